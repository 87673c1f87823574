/** The team's CSM pool: who takes new accounts, and how many open ones each may carry. */
import type { Kysely } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { openAccountCounts } from './stages.js';

/** When `/thread csm add` names no capacity: a typical CSM's concurrent onboardings. */
export const DEFAULT_CAPACITY = 10;

export interface PoolMember {
  userId: string;
  capacity: number;
  /** Accounts assigned to them that are still onboarding. */
  open: number;
  lastAssignedAt: Date | null;
}

/** Adds a CSM, or updates the capacity of one already there (and takes them back if removed). */
export async function addCsm(
  db: Kysely<DB>,
  teamId: string,
  userId: string,
  capacity: number,
  by: string,
): Promise<{ added: boolean }> {
  const before = await db
    .selectFrom('csm_pool')
    .select('active')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  await db
    .insertInto('csm_pool')
    .values({ team_id: teamId, user_id: userId, capacity, added_by: by })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ capacity, active: true }))
    .execute();
  return { added: !before?.active };
}

/**
 * Takes a CSM out of the round-robin. The row stays (inactive): their accounts keep them as CSM, and
 * adding them back resumes where they were in the rotation.
 */
export async function removeCsm(db: Kysely<DB>, teamId: string, userId: string): Promise<boolean> {
  const r = await db
    .updateTable('csm_pool')
    .set({ active: false })
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .where('active', '=', true)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function csmPool(db: Kysely<DB>, teamId: string): Promise<PoolMember[]> {
  const pool = await db
    .selectFrom('csm_pool')
    .select(['user_id', 'capacity', 'last_assigned_at'])
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .orderBy('added_at')
    .execute();
  const open = await openAccountCounts(
    db,
    teamId,
    pool.map((p) => p.user_id),
  );
  return pool.map((p) => ({
    userId: p.user_id,
    capacity: p.capacity,
    open: open.get(p.user_id) ?? 0,
    lastAssignedAt: p.last_assigned_at,
  }));
}

/** "Deals this CRM owner closes go to this CSM." */
export async function mapCrmOwner(
  db: Kysely<DB>,
  m: { teamId: string; source: DB['crm_owner_csm_map']['source']; ownerId: string; csmUserId: string },
): Promise<void> {
  await db
    .insertInto('crm_owner_csm_map')
    .values({ team_id: m.teamId, source: m.source, owner_id: m.ownerId, csm_user_id: m.csmUserId })
    .onConflict((oc) =>
      oc.columns(['team_id', 'source', 'owner_id']).doUpdateSet({ csm_user_id: m.csmUserId }),
    )
    .execute();
}
