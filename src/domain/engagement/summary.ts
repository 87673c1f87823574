/** What engagement shows: per account (counts, last time, who) and the accounts gone silent. */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { OPEN_STAGES } from '../accounts/stages.js';

export interface EngagementSummary {
  reactions: number;
  replies: number;
  lastAt: Date | null;
  /** Distinct people, most recent first. */
  people: string[];
}

export async function engagementOf(db: Kysely<DB>, accountId: string): Promise<EngagementSummary> {
  const counts = await db
    .selectFrom('engagement_events')
    .select([
      sql<number>`count(*) filter (where kind = 'reaction' and active)::int`.as('reactions'),
      sql<number>`count(*) filter (where kind = 'reply')::int`.as('replies'),
      sql<Date | null>`max(occurred_at) filter (where active)`.as('lastAt'),
    ])
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const people = await db
    .selectFrom('engagement_events')
    .select(['user_id', sql<Date>`max(occurred_at)`.as('at')])
    .where('account_id', '=', accountId)
    .where('active', '=', true)
    .groupBy('user_id')
    .orderBy('at', 'desc')
    .limit(20)
    .execute();
  return { ...counts, people: people.map((p) => p.user_id) };
}

export interface SilentAccount {
  name: string;
  channelId: string;
  /** null: no customer engagement ever recorded. */
  lastAt: Date | null;
}

/**
 * A CSM's open accounts with a customer channel where no customer has engaged for `days` days (counted
 * from the last engagement, or from when onboarding started if there never was any).
 */
export async function silentAccounts(
  db: Kysely<DB>,
  teamId: string,
  csmUserId: string,
  days: number,
): Promise<SilentAccount[]> {
  const rows = await db
    .selectFrom('accounts as a')
    .leftJoin('engagement_events as e', (j) => j.onRef('e.account_id', '=', 'a.id').on('e.active', '=', true))
    .select([
      'a.name',
      'a.customer_channel_id',
      'a.created_at',
      sql<Date | null>`max(e.occurred_at)`.as('lastAt'),
    ])
    .where('a.team_id', '=', teamId)
    .where('a.csm_user_id', '=', csmUserId)
    .where('a.stage', 'in', OPEN_STAGES)
    .where('a.customer_channel_id', 'is not', null)
    .groupBy('a.id')
    .having(sql<boolean>`coalesce(max(e.occurred_at), a.created_at) < now() - make_interval(days => ${days})`)
    .orderBy(sql`coalesce(max(e.occurred_at), a.created_at)`)
    .execute();
  return rows.map((r) => ({ name: r.name, channelId: r.customer_channel_id!, lastAt: r.lastAt }));
}
