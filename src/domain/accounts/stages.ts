import type { Kysely } from 'kysely';
import type { AccountStage, DB } from '../../app/db-types.js';

/**
 * Stages in which an account is still being onboarded: these count against a CSM's capacity. Once an
 * account is live (or closed without going live) its CSM has room again.
 */
export const OPEN_STAGES: readonly AccountStage[] = ['new', 'onboarding'];

/** Each CSM's open accounts (their load against capacity); a CSM with none is absent from the map. */
export async function openAccountCounts(
  db: Kysely<DB>,
  teamId: string,
  csmUserIds: readonly string[],
): Promise<Map<string, number>> {
  if (!csmUserIds.length) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['csm_user_id', (eb) => eb.fn.countAll<number>().as('open')])
    .where('team_id', '=', teamId)
    .where('csm_user_id', 'in', csmUserIds)
    .where('stage', 'in', OPEN_STAGES)
    .groupBy('csm_user_id')
    .execute();
  return new Map(rows.map((r) => [r.csm_user_id ?? '', r.open]));
}
