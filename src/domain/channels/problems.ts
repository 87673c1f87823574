/**
 * What stops Thread posting in a customer channel, recorded on the account so the account shows it as an
 * Error (never a silent drop): Thread removed from the channel, the channel archived, or gone. Set by the
 * channel events Slack sends and by a delivery Slack refuses for that reason; cleared when Thread is
 * back in the channel, the channel is unarchived, or a post there succeeds.
 */
import { type Kysely, sql } from 'kysely';
import type { ChannelProblem, DB } from '../../app/db-types.js';

/** Slack's error codes that are about the channel, not the message. */
const FROM_SLACK_ERROR: Record<string, ChannelProblem> = {
  not_in_channel: 'not_in_channel',
  is_archived: 'archived',
  channel_not_found: 'not_found',
};

export function channelProblemOf(slackError: string | undefined): ChannelProblem | undefined {
  return slackError ? FROM_SLACK_ERROR[slackError] : undefined;
}

/** Marks the account whose customer channel this is; false when it is no customer channel. */
export async function markChannelProblem(
  db: Kysely<DB>,
  teamId: string,
  channelId: string,
  problem: ChannelProblem,
): Promise<boolean> {
  const r = await db
    .updateTable('accounts')
    .set({
      customer_channel_problem: problem,
      customer_channel_problem_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('team_id', '=', teamId)
    .where('customer_channel_id', '=', channelId)
    .where((eb) =>
      eb.or([eb('customer_channel_problem', 'is', null), eb('customer_channel_problem', '!=', problem)]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Clears `only` (or any) problem on the channel's account: Thread is back, the channel unarchived. */
export async function clearChannelProblem(
  db: Kysely<DB>,
  teamId: string,
  channelId: string,
  only?: ChannelProblem,
): Promise<void> {
  let q = db
    .updateTable('accounts')
    .set({ customer_channel_problem: null, customer_channel_problem_at: null, updated_at: sql`now()` })
    .where('team_id', '=', teamId)
    .where('customer_channel_id', '=', channelId)
    .where('customer_channel_problem', 'is not', null);
  if (only) q = q.where('customer_channel_problem', '=', only);
  await q.execute();
}
