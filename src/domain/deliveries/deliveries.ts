/**
 * Durable Slack posts. A workflow asks for a post under a key (`enqueueDelivery`); the `deliver` job posts
 * it. Guarantees:
 * - once per (team, key): asked twice, or a job run twice or concurrently, Slack sees one post — a job
 *   leases the row before posting, and a delivered row is never posted again. A crash after Slack took
 *   the post but before its answer was recorded is caught too: every post carries its key in Slack's
 *   message metadata, and an attempt that follows an unfinished one looks for that key in the channel
 *   before posting again;
 * - paced per channel (about one message a second, Slack's chat.postMessage limit), across instances:
 *   storing a delivery reserves the channel's next free one-second slot, and its job is due then;
 * - Slack's 429 `Retry-After` reschedules the job after that many seconds (a worker never sleeps on it);
 * - errors that no retry will fix (the channel is gone, the message is too long…) end the delivery as
 *   failed with a plain reason at once; others are retried by the job queue, then fail.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import type { Delivery } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { channelProblemOf, clearChannelProblem, markChannelProblem } from '../channels/problems.js';

export interface DeliveryMessage {
  text: string;
  /** Posts as a reply in this message's thread (meeting notes under the handoff post). */
  threadTs?: string;
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
/** Longer than one post can take (the Slack client gives up after 20 s): a crashed job's lease runs out. */
const LEASE_SECONDS = 30;
/**
 * The metadata event type that marks Thread's posts (https://docs.slack.dev/messaging/message-metadata:
 * `metadata: { event_type, event_payload }` on chat.postMessage; conversations.history returns it with
 * `include_all_metadata`).
 */
export const DELIVERY_EVENT_TYPE = 'thread_delivery';
/** How far back (pages of 200) a check for an earlier attempt's post looks; a post is seconds old. */
const HISTORY_PAGES = 3;

/** Stores one delivery (see enqueueDeliveries); false when its key was already stored. */
export async function enqueueDelivery(services: Services, request: DeliveryRequest): Promise<boolean> {
  return (await enqueueDeliveries(services, [request])) === 1;
}

/**
 * Stores deliveries, each in its channel's next free one-second slot, and queues each job for its slot —
 * in one transaction and one queue insert, however many (a broadcast to every customer channel). Keys
 * already stored are left as they are; one still pending that no job holds is queued again — its job may
 * have died with a process that stopped between storing and queueing it, and a second job for a post is
 * a no-op. Returns how many were new.
 */
export async function enqueueDeliveries(
  services: Services,
  requests: readonly DeliveryRequest[],
): Promise<number> {
  if (!requests.length) return 0;
  const input = requests.map((r, ord) => ({
    ord,
    team_id: r.teamId,
    key: r.key,
    channel: r.channel,
    payload: r.message,
  }));
  const rows = await services.db.transaction().execute(async (trx) => {
    // Slots of a channel are handed out one transaction at a time, across instances (locks taken in
    // one order, so two batches never deadlock).
    await sql`select pg_advisory_xact_lock(hashtext(c)) from (
      select distinct 'deliveries:' || (r->>'team_id') || ':' || (r->>'channel') as c
      from jsonb_array_elements(${JSON.stringify(input)}::jsonb) r order by 1) locks`.execute(trx);
    const inserted = await sql<{ id: string; not_before: Date; later: boolean }>`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
          as t(ord int, team_id text, key text, channel text, payload jsonb)
      ), numbered as (
        select i.*, row_number() over (partition by team_id, channel order by ord) - 1 as n
        from input i
        where not exists (select 1 from deliveries d where d.team_id = i.team_id and d.key = i.key)
      ), slotted as (
        select n.*, greatest(now(), (
          select max(d.not_before) + make_interval(secs => ${CHANNEL_GAP_MS / 1000})
          from deliveries d where d.team_id = n.team_id and d.channel = n.channel
        )) + make_interval(secs => n.n * ${CHANNEL_GAP_MS / 1000}) as slot
        from numbered n
      )
      insert into deliveries (team_id, key, channel, payload, not_before)
      select team_id, key, channel, payload, slot from slotted order by ord
      on conflict (team_id, key) do nothing
      returning id, not_before, not_before > now() as later`.execute(trx);
    const idle = await sql<{ id: string; not_before: Date | null; later: boolean }>`
      select d.id, d.not_before, coalesce(d.not_before > now(), false) as later
      from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(team_id text, key text)
      join deliveries d on d.team_id = t.team_id and d.key = t.key
      where d.status = 'pending' and (d.claimed_until is null or d.claimed_until <= now())
        and d.id <> all(${inserted.rows.map((r) => r.id)}::uuid[])`.execute(trx);
    return { inserted: inserted.rows, idle: idle.rows };
  });
  const queued = [...rows.inserted, ...rows.idle];
  if (!queued.length) return 0;
  try {
    await services.jobs.sendMany(
      DELIVER_JOB,
      queued.map((r) => ({
        data: { id: r.id },
        ...(r.later && r.not_before ? { startAfter: r.not_before } : {}),
      })),
    );
  } catch (err) {
    // Without their jobs the new rows would never be posted: they go, and a second ask stores them again.
    if (rows.inserted.length) {
      await services.db
        .deleteFrom('deliveries')
        .where(
          'id',
          'in',
          rows.inserted.map((r) => r.id),
        )
        .execute();
    }
    throw err;
  }
  return rows.inserted.length;
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; ts: string; found?: true }
  | { outcome: 'already done' | 'gone' }
  | { outcome: 'failed'; reason: string; code?: string }
  /** A temporary problem: recorded, then the job fails so the queue retries it with backoff. */
  | { outcome: 'retrying'; reason: string }
  | { outcome: 'rescheduled'; after: Date; why: 'rate limited' | 'pacing' | 'busy' };

/**
 * The job's work. `lastTry`: the queue will not retry a temporary failure again, so it ends as failed.
 * `jobId`: the job doing it — its next attempt (the same job handed back after its process died) takes
 * over the lease the dead attempt left.
 */
export async function deliver(
  services: Services,
  id: string,
  options: { lastTry: boolean; jobId?: string },
): Promise<DeliveryOutcome> {
  const result = await attempt(services, id, options);
  services.metrics.delivery(result);
  if (result.outcome === 'rescheduled') {
    await services.jobs.send(DELIVER_JOB, { id }, { startAfter: result.after });
  }
  if (result.outcome === 'retrying') throw new Error(`Slack delivery will be retried: ${result.reason}`);
  if (result.outcome === 'failed') {
    services.logger.warn({ delivery: id, reason: result.reason }, 'Slack delivery failed for good');
  }
  return result;
}

async function attempt(
  services: Services,
  id: string,
  options: { lastTry: boolean; jobId?: string },
): Promise<DeliveryOutcome> {
  const db = services.db;
  const claim = await claimDelivery(services, id, options.jobId ?? null);
  if (claim.outcome !== 'claimed') return claim;
  const { row, previousPostingSince } = claim;
  const message = row.payload as unknown as DeliveryMessage;
  const finish = (set: Record<string, unknown>) =>
    db
      .updateTable('deliveries')
      .set({ ...set, claimed_until: null, claimed_by: null, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  try {
    const client = await services.slackClient(row.team_id, { rateLimits: 'reject' });
    // An earlier attempt began and never recorded Slack's answer: it may have posted.
    const earlier = previousPostingSince
      ? await findPosted(client, row.channel, row.key, previousPostingSince)
      : undefined;
    const ts = earlier ?? (await post(client, row.channel, row.key, message));
    await finish({
      status: 'delivered',
      slack_ts: ts,
      last_error: null,
      posting_since: null,
      delivered_at: sql<Date>`now()`,
    });
    // A post that went through clears a channel Error on the account (Thread is back in the channel).
    await clearChannelProblem(db, row.team_id, row.channel);
    return earlier ? { outcome: 'delivered', ts, found: true } : { outcome: 'delivered', ts };
  } catch (err) {
    const problem = slackProblem(err);
    const failed = problem.kind === 'permanent' || (problem.kind === 'temporary' && options.lastTry);
    await finish({
      last_error: problem.reason,
      // Slack answered (an error, a 429): nothing was posted. No answer at all: it may have been.
      ...(problem.answered ? { posting_since: null } : {}),
      ...(failed ? { status: 'failed' as const } : {}),
    });
    if (problem.kind === 'rate limited') {
      return {
        outcome: 'rescheduled',
        after: new Date(Date.now() + problem.retryAfterS * 1000),
        why: 'rate limited',
      };
    }
    if (!failed) return { outcome: 'retrying', reason: problem.reason };
    // A post refused because of the channel (Thread removed, archived, gone) shows on its account.
    const channelProblem = channelProblemOf(problem.code);
    if (channelProblem) await markChannelProblem(db, row.team_id, row.channel, channelProblem);
    return { outcome: 'failed', reason: problem.reason, ...(problem.code ? { code: problem.code } : {}) };
  }
}

type Claim =
  | { outcome: 'claimed'; row: Delivery; previousPostingSince: Date | null }
  | Extract<DeliveryOutcome, { outcome: 'gone' | 'already done' | 'rescheduled' }>;

/**
 * The lease: one job at a time works on a delivery, without holding a transaction across Slack's answer.
 * One statement on the hot path (a delivery is due, pending, free); only a refusal looks at why.
 */
async function claimDelivery(services: Services, id: string, jobId: string | null): Promise<Claim> {
  const claimed = await sql<Delivery & { previous_posting_since: Date | null }>`
    with previous as (select id, posting_since from deliveries where id = ${id} for update)
    update deliveries d set
      claimed_until = now() + make_interval(secs => ${LEASE_SECONDS}),
      claimed_by = ${jobId}::uuid,
      posting_since = coalesce(d.posting_since, now()),
      attempts = d.attempts + 1,
      updated_at = now()
    from previous
    where d.id = previous.id and d.status = 'pending'
      and (d.claimed_until is null or d.claimed_until <= now() or d.claimed_by = ${jobId}::uuid)
      and (d.not_before is null or d.not_before <= now())
      -- Slots are a second apart, but the post before may have gone out a moment late: never two posts
      -- to a channel less than a second apart (Slack's burst allowance is small) — nor one while the one
      -- before is still in Slack's hands (a slow answer would let both arrive at once).
      and not exists (
        select 1 from deliveries o
        where o.team_id = d.team_id and o.channel = d.channel and o.id <> d.id
          and ((o.status = 'delivered' and o.delivered_at > now() - make_interval(secs => ${CHANNEL_GAP_MS / 1000}))
            or (o.status = 'pending' and o.posting_since is not null and o.claimed_until > now())))
    returning d.*, previous.posting_since as previous_posting_since`.execute(services.db);
  const hit = claimed.rows[0];
  if (hit) {
    const { previous_posting_since, ...row } = hit;
    return { outcome: 'claimed', row, previousPostingSince: previous_posting_since };
  }
  const row = await services.db
    .selectFrom('deliveries as d')
    .select((eb) => [
      'd.status',
      'd.claimed_until',
      'd.not_before',
      eb
        .selectFrom('deliveries as o')
        .select(
          sql<Date | null>`max(o.delivered_at) + make_interval(secs => ${CHANNEL_GAP_MS / 1000})`.as('a'),
        )
        .whereRef('o.team_id', '=', 'd.team_id')
        .whereRef('o.channel', '=', 'd.channel')
        .where('o.status', '=', 'delivered')
        .as('channel_free_at'),
      eb
        .exists(
          eb
            .selectFrom('deliveries as o')
            .select('o.id')
            .whereRef('o.team_id', '=', 'd.team_id')
            .whereRef('o.channel', '=', 'd.channel')
            .whereRef('o.id', '<>', 'd.id')
            .where('o.status', '=', 'pending')
            .where('o.posting_since', 'is not', null)
            .where('o.claimed_until', '>', sql<Date>`now()`),
        )
        .as('channel_busy'),
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) return { outcome: 'gone' };
  if (row.status !== 'pending') return { outcome: 'already done' };
  // Another job holds it: come back when its lease ends (it will be done by then, or dead).
  if (row.claimed_until && row.claimed_until.getTime() > Date.now()) {
    return { outcome: 'rescheduled', after: row.claimed_until, why: 'busy' };
  }
  // Early for its slot (a redelivery), the channel's last post was less than a second ago, or one is in
  // Slack's hands now (look again in a second: it is usually answered by then).
  const busyUntil = row.channel_busy ? new Date(Date.now() + CHANNEL_GAP_MS) : null;
  const times = [row.not_before, row.channel_free_at, busyUntil].filter((t): t is Date => t instanceof Date);
  const after = new Date(Math.max(Date.now(), ...times.map((t) => t.getTime())));
  return { outcome: 'rescheduled', after, why: 'pacing' };
}

async function post(
  client: WebClient,
  channel: string,
  key: string,
  message: DeliveryMessage,
): Promise<string> {
  const res = await client.chat.postMessage({
    channel,
    text: message.text,
    ...(message.blocks ? { blocks: [...message.blocks] } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key } },
  });
  return String(res.ts);
}

/** The ts of Thread's post carrying `key` in the channel since `since`, if an earlier attempt made it. */
async function findPosted(
  client: WebClient,
  channel: string,
  key: string,
  since: Date,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const res = await client.conversations.history({
      channel,
      // A little before the attempt began: Slack's clock and ours differ by a moment.
      oldest: String(Math.floor(since.getTime() / 1000) - 60),
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const hit = res.messages?.find(
      (m) =>
        m.metadata?.event_type === DELIVERY_EVENT_TYPE &&
        (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
    );
    if (hit?.ts) return hit.ts;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
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

type SlackProblem = (
  | { kind: 'permanent' | 'temporary'; reason: string; code?: string }
  | { kind: 'rate limited'; reason: string; retryAfterS: number; code?: undefined }
) & {
  /** Slack answered the call (so it did not post); false when no answer came (it may have). */
  answered: boolean;
};

function slackProblem(err: unknown): SlackProblem {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    const retryAfterS = Math.max(1, Number(e.retryAfter) || 1);
    return {
      kind: 'rate limited',
      reason: `Slack rate limit; retrying after ${retryAfterS} s`,
      retryAfterS,
      answered: true,
    };
  }
  const code = e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  if (code && !TEMPORARY.has(code)) {
    return {
      kind: 'permanent',
      reason: `${PERMANENT[code] ?? 'Slack refused the message'} (${code})`,
      code,
      answered: true,
    };
  }
  if (code) return { kind: 'temporary', reason: `Slack had a problem (${code})`, answered: true };
  return { kind: 'temporary', reason: 'Slack could not be reached', answered: false };
}
