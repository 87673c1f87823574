/**
 * Choosing the CSM for an account:
 * 1. the CRM owner → CSM mapping, when the team configured one for this account's owner — a standing
 *    instruction from a manager, so it wins even when that CSM is at capacity;
 * 2. otherwise round-robin over the team's active pool: whoever was assigned least recently (never
 *    assigned first, then in the order they joined), skipping anyone whose open accounts (not yet live
 *    or closed) already fill their capacity;
 * 3. nobody with room → the account stays unassigned and the result says so.
 * An account that already has a CSM keeps them (a retried workflow step assigns nothing new).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { openAccountCounts } from './stages.js';

export type AssignResult =
  | { outcome: 'assigned'; csmUserId: string; via: 'owner-map' | 'round-robin' }
  | { outcome: 'already-assigned'; csmUserId: string }
  | { outcome: 'no-room'; poolSize: number };

export async function assignCsm(db: Kysely<DB>, accountId: string): Promise<AssignResult> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select(['team_id', 'source', 'crm_owner_id', 'csm_user_id'])
      .where('id', '=', accountId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (account.csm_user_id) return { outcome: 'already-assigned', csmUserId: account.csm_user_id };

    // Every assignment in the team locks the team's whole active pool (in one order, so two never
    // deadlock) before counting loads: a second assignment waits here until the first has committed,
    // then counts the account the first one just took. Without this both could take the last slot.
    const pool = await trx
      .selectFrom('csm_pool')
      .select(['user_id', 'capacity', 'last_assigned_at', 'added_at'])
      .where('team_id', '=', account.team_id)
      .where('active', '=', true)
      .orderBy('user_id')
      .forUpdate()
      .execute();

    const mapped = account.crm_owner_id
      ? await trx
          .selectFrom('crm_owner_csm_map')
          .select('csm_user_id')
          .where('team_id', '=', account.team_id)
          .where('source', '=', account.source)
          .where('owner_id', '=', account.crm_owner_id)
          .executeTakeFirst()
      : undefined;

    let chosen: string | undefined = mapped?.csm_user_id;
    if (!chosen && pool.length) {
      const open = await openAccountCounts(
        trx,
        account.team_id,
        pool.map((p) => p.user_id),
      );
      chosen = pool
        .filter((p) => (open.get(p.user_id) ?? 0) < p.capacity)
        .sort(
          (a, b) =>
            time(a.last_assigned_at) - time(b.last_assigned_at) ||
            a.added_at.getTime() - b.added_at.getTime(),
        )[0]?.user_id;
    }
    if (!chosen) return { outcome: 'no-room', poolSize: pool.length };

    await trx
      .updateTable('accounts')
      .set({ csm_user_id: chosen, updated_at: sql`now()` })
      .where('id', '=', accountId)
      .execute();
    // clock_timestamp, not now(): now() is the transaction's start, which can be earlier than that of an
    // assignment that committed while this one waited for the lock — and would then look less recent.
    await trx
      .updateTable('csm_pool')
      .set({ last_assigned_at: sql`clock_timestamp()` })
      .where('team_id', '=', account.team_id)
      .where('user_id', '=', chosen)
      .execute();
    return { outcome: 'assigned', csmUserId: chosen, via: mapped ? 'owner-map' : 'round-robin' };
  });
}

/** Never assigned sorts first. */
function time(d: Date | null): number {
  return d ? d.getTime() : Number.NEGATIVE_INFINITY;
}
