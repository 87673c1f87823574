/**
 * Linking an existing channel to an account. Thread must be able to post there: a public channel it
 * joins itself (conversations.join); a private one it cannot join, so someone invites it first; an
 * archived channel is refused. Slack Connect channels (shared with the customer's workspace) are welcome
 * and marked: that is where customer engagement happens.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { actionsWaitingForChannel } from '../milestones/actions.js';
import type { NamedAccount } from './accounts.js';
import { forgetTrackedChannels } from './tracked.js';

export interface ChannelFacts {
  id: string;
  name: string;
  shared: boolean;
  private: boolean;
}

export type LinkResult =
  | { outcome: 'linked'; channel: ChannelFacts; joined: boolean; previous: string | null }
  | { outcome: 'already linked'; channel: ChannelFacts }
  | { outcome: 'not visible' }
  | { outcome: 'archived'; channel: ChannelFacts }
  | { outcome: 'invite first'; channel: ChannelFacts }
  | { outcome: 'taken'; channel: ChannelFacts; by: string }
  | { outcome: 'slack error'; error: string };

interface SlackChannel {
  id?: string;
  name?: string;
  is_archived?: boolean;
  is_member?: boolean;
  is_private?: boolean;
  is_ext_shared?: boolean;
  is_pending_ext_shared?: boolean;
}

function facts(c: SlackChannel, id: string): ChannelFacts {
  return {
    id,
    name: c.name ?? id,
    shared: Boolean(c.is_ext_shared || c.is_pending_ext_shared),
    private: Boolean(c.is_private),
  };
}

export function slackError(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === 'slack_webapi_platform_error' ? (e.data?.error ?? 'unknown') : 'unreachable';
}

export async function linkChannel(
  services: Services,
  teamId: string,
  account: NamedAccount,
  channelId: string,
): Promise<LinkResult> {
  const client = await services.slackClient(teamId);
  let info: SlackChannel;
  try {
    info = (await client.conversations.info({ channel: channelId })).channel ?? {};
  } catch (err) {
    const error = slackError(err);
    // Slack says channel_not_found for a private channel Thread is not in: it cannot tell the two apart.
    return error === 'channel_not_found' ? { outcome: 'not visible' } : { outcome: 'slack error', error };
  }
  const channel = facts(info, channelId);
  if (info.is_archived) return { outcome: 'archived', channel };
  const holder = await services.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('team_id', '=', teamId)
    .where('customer_channel_id', '=', channelId)
    .executeTakeFirst();
  if (holder && holder.id !== account.id) return { outcome: 'taken', channel, by: holder.name };
  let joined = false;
  if (!info.is_member) {
    if (channel.private) return { outcome: 'invite first', channel };
    try {
      await client.conversations.join({ channel: channelId });
      joined = true;
    } catch (err) {
      const error = slackError(err);
      if (error === 'is_archived') return { outcome: 'archived', channel };
      return { outcome: 'slack error', error };
    }
  }
  if (holder) {
    await saveChannel(services, teamId, account.id, channel);
    return { outcome: 'already linked', channel };
  }
  const previous = await saveChannel(services, teamId, account.id, channel);
  if (previous === 'taken') return { outcome: 'taken', channel, by: 'another account' };
  return { outcome: 'linked', channel, joined, previous };
}

/**
 * Records the channel on the account (its problems cleared: Thread is in and it is open); returns the
 * channel it replaces, or 'taken' when another account got it first (the unique index decides races).
 */
export async function saveChannel(
  services: Services,
  teamId: string,
  accountId: string,
  channel: ChannelFacts,
): Promise<string | null | 'taken'> {
  try {
    const before = await services.db
      .selectFrom('accounts')
      .select('customer_channel_id')
      .where('id', '=', accountId)
      .executeTakeFirst();
    await services.db
      .updateTable('accounts')
      .set({
        customer_channel_id: channel.id,
        customer_channel_name: channel.name,
        customer_channel_shared: channel.shared,
        customer_channel_problem: null,
        customer_channel_problem_at: null,
        updated_at: sql`now()`,
      })
      .where('id', '=', accountId)
      .where('team_id', '=', teamId)
      .execute();
    await actionsWaitingForChannel(services, teamId, accountId);
    const previous = before?.customer_channel_id;
    return previous && previous !== channel.id ? previous : null;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return 'taken';
    throw err;
  } finally {
    forgetTrackedChannels(services, teamId);
  }
}
