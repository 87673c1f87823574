/**
 * Customer engagement on Thread's posts in customer channels: reactions (net of removals) and thread
 * replies by customer-side people. An event is looked at in order of cost, and dropped at the first
 * "no": is the channel a customer channel (memory) → is the message one of Thread's posts, and whose
 * account (one indexed lookup) → is the person on the customer's side (users.info, cached). Each engagement is one row by its
 * natural key, so Slack's retries and repeats count once.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { sideOf } from '../channels/people.js';
import { isTrackedChannel } from '../channels/tracked.js';

export interface ReactionEvent {
  teamId: string;
  channel: string;
  messageTs: string;
  userId: string;
  userTeam?: string;
  reaction: string;
  added: boolean;
  eventTs: string;
}

export interface ReplyEvent {
  teamId: string;
  channel: string;
  threadTs: string;
  ts: string;
  userId: string;
  userTeam?: string;
}

export type Recorded = 'recorded' | 'untracked channel' | 'not a Thread post' | 'not a customer' | 'stale';

/**
 * The account of the customer channel `channel` if `ts` there is a message Thread posted (a delivery
 * with that Slack ts): one indexed lookup answers both.
 */
async function threadPostAccount(services: Services, teamId: string, channel: string, ts: string) {
  const row = await services.db
    .selectFrom('deliveries as d')
    .innerJoin('accounts as a', (j) =>
      j.onRef('a.team_id', '=', 'd.team_id').onRef('a.customer_channel_id', '=', 'd.channel'),
    )
    .select('a.id')
    .where('d.team_id', '=', teamId)
    .where('d.channel', '=', channel)
    .where('d.slack_ts', '=', ts)
    .executeTakeFirst();
  return row?.id;
}

async function qualifies(
  services: Services,
  e: { teamId: string; channel: string; ts: string; userId: string; userTeam?: string },
): Promise<{ accountId: string } | Exclude<Recorded, 'recorded' | 'stale'>> {
  if (!(await isTrackedChannel(services, e.teamId, e.channel))) return 'untracked channel';
  const accountId = await threadPostAccount(services, e.teamId, e.channel, e.ts);
  if (!accountId) return 'not a Thread post';
  if ((await sideOf(services, e.teamId, e.userId, e.userTeam)) !== 'customer') return 'not a customer';
  return { accountId };
}

/** Slack's ts ("1700000000.000100") as a time. */
function timeOf(ts: string): Date {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

export async function recordReaction(services: Services, e: ReactionEvent): Promise<Recorded> {
  const ok = await qualifies(services, { ...e, ts: e.messageTs });
  if (typeof ok === 'string') return ok;
  const row = await services.db
    .insertInto('engagement_events')
    .values({
      team_id: e.teamId,
      account_id: ok.accountId,
      channel_id: e.channel,
      kind: 'reaction',
      item_key: `${e.messageTs}:${e.userId}:${e.reaction}`,
      message_ts: e.messageTs,
      user_id: e.userId,
      reaction: e.reaction,
      active: e.added,
      event_ts: e.eventTs,
      occurred_at: timeOf(e.eventTs),
    })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'channel_id', 'kind', 'item_key'])
        .doUpdateSet({
          active: e.added,
          event_ts: e.eventTs,
          occurred_at: sql`excluded.occurred_at`,
        })
        // Events can arrive out of order (a retry of an "added" after the "removed"): the newest wins.
        .where(sql<boolean>`engagement_events.event_ts::numeric < excluded.event_ts::numeric`),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? 'recorded' : 'stale';
}

export async function recordReply(services: Services, e: ReplyEvent): Promise<Recorded> {
  const ok = await qualifies(services, { ...e, ts: e.threadTs });
  if (typeof ok === 'string') return ok;
  const row = await services.db
    .insertInto('engagement_events')
    .values({
      team_id: e.teamId,
      account_id: ok.accountId,
      channel_id: e.channel,
      kind: 'reply',
      item_key: e.ts,
      message_ts: e.threadTs,
      user_id: e.userId,
      event_ts: e.ts,
      occurred_at: timeOf(e.ts),
    })
    .onConflict((oc) => oc.columns(['team_id', 'channel_id', 'kind', 'item_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? 'recorded' : 'stale';
}
