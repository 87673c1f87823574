/**
 * Durable Slack posts. A workflow asks for a post under a key (`enqueueDelivery`); the `deliver` job posts
 * it. Guarantees:
 * - once per (team, key): asked twice, or a job run twice or concurrently, Slack sees one post — the row
 *   is locked across the post and a delivered row is never posted again;
 * - paced per channel (about one message a second, Slack's chat.postMessage limit), across instances:
 *   posts to one channel take turns under an advisory lock, and a post due too early is rescheduled;
 * - Slack's 429 `Retry-After` reschedules the job after that many seconds (a worker never sleeps on it);
 * - errors that no retry will fix (the channel is gone, the message is too long…) end the delivery as
 *   failed with a plain reason at once; others are retried by the job queue, then fail.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { channelProblemOf, clearChannelProblem, markChannelProblem } from '../channels/problems.js';

export interface DeliveryMessage {
  text: string;
  /** Block Kit, as the views build it; stored as JSON until the post. */
  blocks?: readonly KnownBlock[];
}

export interface DeliveryRequest {
  teamId: string;
  channel: string;
  /** Idempotency key, unique per team: the same key is posted once, whatever happens. */
  key: string;
  message: DeliveryMessage;
}

export const DELIVER_JOB = 'deliver';
/** Slack's chat.postMessage allowance per channel: about one message a second. */
export const CHANNEL_GAP_MS = 1000;

/** Stores the delivery and queues its job; a key already stored is left as it is (returns false). */
export async function enqueueDelivery(services: Services, request: DeliveryRequest): Promise<boolean> {
  const row = await services.db
    .insertInto('deliveries')
    .values({
      team_id: request.teamId,
      key: request.key,
      channel: request.channel,
      payload: JSON.stringify(request.message),
    })
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  try {
    await services.jobs.send(DELIVER_JOB, { id: row.id });
  } catch (err) {
    // Without its job the row would never be posted, and a second ask would find it and do nothing.
    await services.db.deleteFrom('deliveries').where('id', '=', row.id).execute();
    throw err;
  }
  return true;
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; ts: string }
  | { outcome: 'already done' | 'gone' }
  | { outcome: 'failed'; reason: string; code?: string }
  /** A temporary problem: recorded, then the job fails so the queue retries it with backoff. */
  | { outcome: 'retrying'; reason: string }
  | { outcome: 'rescheduled'; after: Date; why: 'rate limited' | 'pacing' };

/**
 * The job's work. `lastTry`: the queue will not retry a temporary failure again, so it ends as failed.
 */
export async function deliver(
  services: Services,
  id: string,
  options: { lastTry: boolean },
): Promise<DeliveryOutcome> {
  const result = await services.db.transaction().execute(async (trx): Promise<DeliveryOutcome> => {
    const row = await trx
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'gone' };
    if (row.status !== 'pending') return { outcome: 'already done' };
    // One post at a time per channel, across instances, until this transaction ends.
    await sql`select pg_advisory_xact_lock(hashtext(${`deliveries:${row.team_id}:${row.channel}`}))`.execute(
      trx,
    );
    const last = await trx
      .selectFrom('deliveries')
      .select((eb) => eb.fn.max('delivered_at').as('at'))
      .where('team_id', '=', row.team_id)
      .where('channel', '=', row.channel)
      .where('status', '=', 'delivered')
      .executeTakeFirst();
    const due = last?.at ? new Date(last.at).getTime() + CHANNEL_GAP_MS : 0;
    if (due > Date.now()) return { outcome: 'rescheduled', after: new Date(due), why: 'pacing' };

    const attempts = row.attempts + 1;
    const message = row.payload as unknown as DeliveryMessage;
    try {
      const client = await services.slackClient(row.team_id, { rateLimits: 'reject' });
      const posted = await post(client, row.channel, message);
      await trx
        .updateTable('deliveries')
        .set({
          status: 'delivered',
          attempts,
          slack_ts: posted,
          last_error: null,
          delivered_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
      return { outcome: 'delivered', ts: posted };
    } catch (err) {
      const problem = slackProblem(err);
      const failed = problem.kind === 'permanent' || (problem.kind === 'temporary' && options.lastTry);
      await trx
        .updateTable('deliveries')
        .set({
          attempts,
          last_error: problem.reason,
          ...(failed ? { status: 'failed' as const } : {}),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
      if (problem.kind === 'rate limited') {
        return {
          outcome: 'rescheduled',
          after: new Date(Date.now() + problem.retryAfterS * 1000),
          why: 'rate limited',
        };
      }
      return failed
        ? { outcome: 'failed', reason: problem.reason, ...(problem.code ? { code: problem.code } : {}) }
        : { outcome: 'retrying', reason: problem.reason };
    }
  });
  if (result.outcome === 'rescheduled') {
    await services.jobs.send(DELIVER_JOB, { id }, { startAfter: result.after });
  }
  if (result.outcome === 'retrying') throw new Error(`Slack delivery will be retried: ${result.reason}`);
  if (result.outcome === 'failed') {
    services.logger.warn({ delivery: id, reason: result.reason }, 'Slack delivery failed for good');
  }
  await noteChannelState(services, id, result);
  return result;
}

/**
 * A post refused because of the channel (Thread removed, channel archived or gone) marks the customer
 * channel's account with that Error, so the account shows it; a post that went through clears it.
 */
async function noteChannelState(services: Services, id: string, result: DeliveryOutcome): Promise<void> {
  const problem = result.outcome === 'failed' ? channelProblemOf(result.code) : undefined;
  if (result.outcome !== 'delivered' && !problem) return;
  const row = await services.db
    .selectFrom('deliveries')
    .select(['team_id', 'channel'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return;
  if (problem) await markChannelProblem(services.db, row.team_id, row.channel, problem);
  else await clearChannelProblem(services.db, row.team_id, row.channel);
}

async function post(client: WebClient, channel: string, message: DeliveryMessage): Promise<string> {
  const res = await client.chat.postMessage({
    channel,
    text: message.text,
    ...(message.blocks ? { blocks: [...message.blocks] } : {}),
  });
  return String(res.ts);
}

/** Slack errors no retry fixes, in words a person can act on. */
const PERMANENT: Record<string, string> = {
  channel_not_found: 'the channel does not exist, or Thread cannot see it',
  not_in_channel: 'Thread is not a member of the channel; invite it',
  is_archived: 'the channel is archived',
  msg_too_long: 'the message is too long for Slack',
  no_text: 'the message is empty',
  invalid_blocks: 'the message layout is not valid Block Kit',
  invalid_blocks_format: 'the message layout is not valid Block Kit',
  restricted_action: 'the workspace does not let Thread post in that channel',
  invalid_auth: 'Slack no longer accepts Thread’s token; reinstall Thread',
  token_revoked: 'Thread’s Slack token was revoked; reinstall Thread',
  account_inactive: 'Thread’s Slack token was revoked; reinstall Thread',
  missing_scope: 'Thread lacks the Slack permission to post; reinstall Thread',
};
/** Slack's own trouble: worth retrying. */
const TEMPORARY = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

type SlackProblem =
  | { kind: 'permanent' | 'temporary'; reason: string; code?: string }
  | { kind: 'rate limited'; reason: string; retryAfterS: number };

function slackProblem(err: unknown): SlackProblem {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    const retryAfterS = Math.max(1, Number(e.retryAfter) || 1);
    return { kind: 'rate limited', reason: `Slack rate limit; retrying after ${retryAfterS} s`, retryAfterS };
  }
  const code = e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  if (code && !TEMPORARY.has(code)) {
    return { kind: 'permanent', reason: `${PERMANENT[code] ?? 'Slack refused the message'} (${code})`, code };
  }
  return { kind: 'temporary', reason: code ? `Slack had a problem (${code})` : 'Slack could not be reached' };
}
