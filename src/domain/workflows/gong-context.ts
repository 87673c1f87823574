/**
 * The handoff's call context: the account's recent recorded calls from whichever connected provider
 * records calls (Gong), matched by the company's web domain or a contact's email. The handoff must never
 * be lost because of it: not connected is said in one line, and a failure on the job's last try is
 * recorded and the handoff goes out saying the call context could not be loaded. Earlier failures are
 * thrown so the job retries with backoff (a 429 or 500 from Gong is usually gone a few seconds later).
 */
import type { Services } from '../../app/services.js';
import { PROVIDERS } from '../../providers/registry.js';
import type { CallFacts, DealFacts } from '../../providers/types.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { plainReason } from './runs.js';

/** "Recent": the quarter before the handoff, most recent first, a handful. */
export const CALL_WINDOW_DAYS = 90;
export const CALL_LIMIT = 5;

export type CallContext =
  | { state: 'not connected' }
  /** The deal names neither a company domain nor a contact email: nothing to match calls by. */
  | { state: 'nothing to match' }
  | { state: 'loaded'; sourceName: string; matchedBy: string; calls: CallFacts[] }
  | { state: 'failed'; sourceName: string; reason: string };

export async function loadCallContext(
  services: Services,
  teamId: string,
  deal: DealFacts,
  options: { lastTry: boolean; now?: Date },
): Promise<CallContext> {
  const source = await connectedCallSource(services, teamId);
  if (!source) return { state: 'not connected' };
  const domain = deal.domain?.trim() || null;
  const emails = (deal.contacts ?? []).map((c) => c.email?.trim()).filter((e): e is string => Boolean(e));
  if (!domain && !emails.length) return { state: 'nothing to match' };
  const now = options.now ?? new Date();
  const calls = source.def.calls;
  try {
    const found = await withProvider(services, source.connection, (ctx) =>
      calls.recentCalls(ctx, {
        domain,
        emails,
        from: new Date(now.getTime() - CALL_WINDOW_DAYS * 24 * 3600_000).toISOString(),
        to: now.toISOString(),
        limit: CALL_LIMIT,
      }),
    );
    const matchedBy = domain
      ? `${domain}${emails.length ? ' or the deal’s contacts' : ''}`
      : 'the deal’s contacts';
    return { state: 'loaded', sourceName: source.def.name, matchedBy, calls: found };
  } catch (err) {
    if (!options.lastTry) throw err;
    return { state: 'failed', sourceName: source.def.name, reason: plainReason(err) };
  }
}

/** The team's call recorder (Gong): the first provider with `calls` that is connected or in Error. */
export async function connectedCallSource(services: Services, teamId: string) {
  for (const def of PROVIDERS) {
    if (!def.calls) continue;
    const connection = await activeConnection(services.db, teamId, def.id);
    if (connection) return { def: { ...def, calls: def.calls }, connection };
  }
  return undefined;
}
