/**
 * The scheduled refresh: keeps idle connections alive (tokens renewed before they expire, so a grant
 * that dies is noticed by us, not by a workflow) and retries connections in a retrying Error.
 */
import type { Services } from '../../app/services.js';
import { getAccessToken, REFRESH_MARGIN_MS } from './tokens.js';

/** Renew tokens expiring within this window: two job periods plus the margin. */
const HORIZON_MS = 2 * 5 * 60 * 1000 + REFRESH_MARGIN_MS;

export async function refreshDueConnections(
  services: Services,
): Promise<{ refreshed: number; failed: number }> {
  const due = await services.db
    .selectFrom('connections')
    .select(['id'])
    .where('status', '<>', 'available')
    .where('token_secret_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', new Date(Date.now() + HORIZON_MS)),
        eb.and([eb('status', '=', 'error'), eb('error_code', 'in', ['rate_limited', 'temporary'])]),
      ]),
    )
    .where((eb) =>
      eb.or([eb('error_code', 'is', null), eb('error_code', 'in', ['rate_limited', 'temporary'])]),
    )
    .execute();
  let refreshed = 0;
  let failed = 0;
  for (const { id } of due) {
    try {
      await getAccessToken(services, id, { force: true });
      refreshed++;
    } catch {
      failed++; // recorded on the connection by getAccessToken
    }
  }
  return { refreshed, failed };
}
