/**
 * What the connector dashboard and `/thread status` show for a team: every catalog entry joined with its
 * connection row, errors translated through the troubleshooting table.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { CATALOG } from '../../providers/catalog.js';
import type { NeutralCode } from '../../providers/types.js';
import type { DashboardRow } from '../../views/home/dashboard.js';
import { TROUBLESHOOTING } from './troubleshooting.js';

/**
 * The rows as a member sees them: the neutral sentence and its fix, without the provider's own words
 * (managers, who can act on them, see those too).
 */
export function withoutProviderWords(rows: readonly DashboardRow[]): DashboardRow[] {
  return rows.map((r) => (r.problem?.detail ? { ...r, problem: { ...r.problem, detail: undefined } } : r));
}

export async function dashboardRows(db: Kysely<DB>, teamId: string): Promise<DashboardRow[]> {
  const connections = await db.selectFrom('connections').selectAll().where('team_id', '=', teamId).execute();
  const byProvider = new Map(connections.map((c) => [c.provider, c]));
  return CATALOG.map((provider): DashboardRow => {
    if (provider.availability === 'workspace') return { provider, state: 'connected', actions: [] };
    if (provider.availability === 'coming_soon') return { provider, state: 'coming_soon', actions: [] };
    const c = byProvider.get(provider.id);
    if (!c || c.status === 'available') return { provider, state: 'available', actions: ['connect'] };
    const base = {
      provider,
      accountLabel: c.external_account_label ?? undefined,
      connectedBy: c.connected_by ?? undefined,
      connectedAt: c.connected_at ?? undefined,
      lastSuccessAt: c.last_success_at ?? undefined,
      lastErrorAt: c.last_error_at ?? undefined,
    };
    if (c.status === 'connected') {
      return { ...base, state: 'connected', actions: ['test', 'disconnect', 'view_logs'] };
    }
    const trouble = TROUBLESHOOTING[(c.error_code ?? 'unknown') as NeutralCode] ?? TROUBLESHOOTING.unknown;
    return {
      ...base,
      state: 'error',
      problem: { title: trouble.title, fix: trouble.fix, detail: c.error_message ?? undefined },
      actions: ['reconnect', 'test', 'disconnect', 'view_logs'],
    };
  });
}
