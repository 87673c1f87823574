/**
 * What the connector dashboard shows for a team: every catalog entry joined with its connection row.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { CATALOG } from '../../providers/catalog.js';
import type { DashboardRow } from '../../views/home/dashboard.js';

export async function dashboardRows(db: Kysely<DB>, teamId: string): Promise<DashboardRow[]> {
  const connections = await db.selectFrom('connections').selectAll().where('team_id', '=', teamId).execute();
  const byProvider = new Map(connections.map((c) => [c.provider, c]));
  return CATALOG.map((provider): DashboardRow => {
    if (provider.availability === 'workspace') return { provider, state: 'connected', actions: [] };
    if (provider.availability === 'coming_soon') return { provider, state: 'coming_soon', actions: [] };
    const c = byProvider.get(provider.id);
    if (!c || c.status === 'available') return { provider, state: 'available', actions: [] };
    return {
      provider,
      state: c.status,
      accountLabel: c.external_account_label ?? undefined,
      connectedBy: c.connected_by ?? undefined,
      connectedAt: c.connected_at ?? undefined,
      actions: [],
    };
  });
}
