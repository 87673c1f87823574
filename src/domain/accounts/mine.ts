/** A CSM's open accounts for their Home tab: the ones with the earliest due milestone first. */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { MyAccountLine } from '../../views/home/accounts.js';
import { accountSummaryQuery } from './overview.js';
import { OPEN_STAGES } from './stages.js';

export async function myOpenAccounts(
  db: Kysely<DB>,
  teamId: string,
  userId: string,
  limit: number,
): Promise<{ accounts: MyAccountLine[]; total: number }> {
  const rows = await accountSummaryQuery(db, teamId)
    .select([
      // The milestone at hand: the one in progress, else the first to do (by position).
      sql<{
        name: string;
        due_date: string;
      } | null>`(array_agg(json_build_object('name', m.name, 'due_date', m.due_date)
        order by (m.status = 'in_progress') desc, m.position) filter (where m.status in ('in_progress', 'pending')))[1]`.as(
        'current',
      ),
      sql<number>`count(*) over ()::int`.as('all'),
    ])
    .where('a.csm_user_id', '=', userId)
    .where('a.stage', 'in', OPEN_STAGES)
    .orderBy(sql`min(m.due_date) filter (where m.status in ('in_progress', 'pending')) nulls last`)
    .orderBy(sql`lower(a.name)`)
    .limit(limit)
    .execute();
  const today = new Date().toISOString().slice(0, 10);
  return {
    total: rows[0]?.all ?? 0,
    accounts: rows.map((r) => ({
      id: r.id,
      name: r.name,
      done: r.done,
      total: r.total,
      current: r.current
        ? { name: r.current.name, dueDate: r.current.due_date, overdue: r.current.due_date < today }
        : null,
    })),
  };
}
