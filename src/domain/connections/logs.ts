/** Integration logs: one line per thing that happened to a connection, redacted, kept 30 days. */

import type { IntegrationLog, LogLevel } from '../../app/db-types.js';
import { scrub, scrubString } from '../../app/redact.js';
import type { Services } from '../../app/services.js';
import type { LogLineView } from '../../views/modals/connectors.js';

export const LOG_RETENTION_DAYS = 30;

export type LogEvent =
  | 'connect'
  | 'connect_failed'
  | 'refresh'
  | 'refresh_failed'
  | 'test'
  | 'test_failed'
  | 'api_error'
  | 'disconnect'
  | 'status_change';

export async function addLog(
  services: Services,
  f: {
    teamId: string;
    provider: string;
    connectionId?: string | null;
    level: LogLevel;
    event: LogEvent;
    /** Thread's own, neutral words: every member may read them on View logs. */
    message: string;
    /** The provider's words about a failure: kept apart, shown to managers only (see providerWords). */
    providerWords?: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  const detail = { ...(f.detail ?? {}), ...(f.providerWords ? { providerMessage: f.providerWords } : {}) };
  await services.db
    .insertInto('integration_logs')
    .values({
      team_id: f.teamId,
      provider: f.provider,
      connection_id: f.connectionId ?? null,
      level: f.level,
      event: f.event,
      message: scrubString(f.message),
      detail: JSON.stringify(scrub(detail)),
    })
    .execute();
  services.logger[f.level === 'error' ? 'warn' : 'info'](
    { team: f.teamId, provider: f.provider, event: f.event, ...detail },
    f.message,
  );
}

/** The connector's last log lines, shaped for the logs modal; provider words only when asked for. */
export async function recentLogs(
  services: Services,
  teamId: string,
  provider: string,
  audience: { providerWords: boolean },
  limit = 20,
): Promise<LogLineView[]> {
  const rows = await services.db
    .selectFrom('integration_logs')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((l) => ({
    level: l.level,
    at: l.created_at,
    message: l.message,
    by: logBy(l),
    providerWords: audience.providerWords ? logProviderWords(l) : undefined,
  }));
}

export async function pruneLogs(services: Services, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - LOG_RETENTION_DAYS * 24 * 3600 * 1000);
  const r = await services.db
    .deleteFrom('integration_logs')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Who did what a log line records (connect, disconnect), when a person did it. */
function logBy(log: IntegrationLog): string | undefined {
  const by = (log.detail as { by?: unknown } | null)?.by;
  return typeof by === 'string' && /^[UW][A-Z0-9]+$/.test(by) ? by : undefined;
}

/** The provider's words kept with a log line, if any (managers see them on View logs). */
function logProviderWords(log: IntegrationLog): string | undefined {
  const detail = log.detail as { providerMessage?: unknown } | null;
  return typeof detail?.providerMessage === 'string' ? scrubString(detail.providerMessage) : undefined;
}
