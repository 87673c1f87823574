/**
 * getAccessToken(): the only way provider code gets a token.
 *
 * - Refreshes ahead of expiry (REFRESH_MARGIN) and, when forced, after a 401.
 * - Single-flight: one refresh per connection at a time within a process (a shared promise) and across
 *   processes (a row lock on the connection, then a re-read: if someone else refreshed while we waited,
 *   we use their token instead of spending the refresh token again — which rotating providers punish).
 * - The new token set is written to the vault in the same transaction that releases the lock, before
 *   anyone uses the new access token.
 * - 429 / 5xx / network: retried with backoff honouring Retry-After; shown as Error only if it persists.
 *   invalid_grant: never retried; Error "Token expired" + one DM.
 */
import { SealError } from '../../app/crypto.js';
import type { Connection } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import type { Executor } from '../../app/vault.js';
import { classifyThrown } from '../../providers/errors.js';
import { apiUrlFor, endpointsFor } from '../../providers/oauth/endpoints.js';
import { refreshParams, requestToken, toTokenSet } from '../../providers/oauth/token-endpoint.js';
import { getProviderDefinition } from '../../providers/registry.js';
import { type ProviderApiContext, ProviderError, type TokenSet } from '../../providers/types.js';
import { recordFailure, recordSuccess } from './health.js';
import { addLog } from './logs.js';
import { PERSISTENT_AFTER } from './troubleshooting.js';

export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const RETRIES = 3;
const MAX_WAIT_MS = 20_000;

const inflight = new Map<string, Promise<TokenSet>>();

export class NotConnectedError extends ProviderError {
  constructor(provider: string) {
    super('grant_revoked', `${provider} is not connected.`);
  }
}

export async function readTokens(
  services: Services,
  connection: Connection,
  executor: Executor = services.db,
): Promise<TokenSet> {
  if (!connection.token_secret_id) throw new NotConnectedError(connection.provider);
  try {
    return JSON.parse(await services.vault.get(connection.token_secret_id, executor)) as TokenSet;
  } catch (err) {
    // The key changed (or the sealed value was altered): no provider call can fix that, a person must.
    if (err instanceof SealError) throw new ProviderError('tokens_unreadable', err.message);
    throw err;
  }
}

function fresh(tokens: TokenSet): boolean {
  // No expiry from the provider (Salesforce): use it until a 401 says otherwise.
  return !tokens.expiresAt || Date.parse(tokens.expiresAt) - Date.now() > REFRESH_MARGIN_MS;
}

export interface TokenOptions {
  /** Refresh even if the token looks fresh (after a 401 with `staleAccessToken`). */
  force?: boolean;
  /** The access token that was just rejected: if the stored one differs, someone already refreshed. */
  staleAccessToken?: string;
}

export async function getAccessToken(
  services: Services,
  connectionId: string,
  options: TokenOptions = {},
): Promise<{ token: string; connection: Connection }> {
  const connection = await load(services, connectionId);
  // A grant the provider refused stays refused: spending another request on it (from every workflow
  // that touches the connection) changes nothing. Only a Reconnect brings it back.
  if (connection.status === 'error' && connection.error_code === 'grant_revoked') {
    throw new ProviderError(
      'grant_revoked',
      'The provider no longer accepts this connection: reconnect it.',
      {
        providerMessage: connection.error_message ?? undefined,
      },
    );
  }
  if (!options.force) {
    const tokens = await readTokens(services, connection).catch(async (err) => {
      // Unreadable tokens are a state of the connection (Setup problem on the dashboard), not just this call.
      if (err instanceof ProviderError && err.code === 'tokens_unreadable') {
        await recordFailure(services, connection, err, { event: 'api_error' });
      }
      throw err;
    });
    if (fresh(tokens)) return { token: tokens.accessToken, connection };
  }
  let pending = inflight.get(connectionId);
  if (!pending) {
    pending = refreshSingleFlight(services, connectionId, options).finally(() =>
      inflight.delete(connectionId),
    );
    inflight.set(connectionId, pending);
  }
  const tokens = await pending;
  return { token: tokens.accessToken, connection: await load(services, connectionId) };
}

type Outcome =
  | { kind: 'ok'; tokens: TokenSet; refreshed: boolean; connection: Connection }
  | { kind: 'failed'; error: ProviderError; connection: Connection; attempts: number };

async function refreshSingleFlight(
  services: Services,
  connectionId: string,
  options: TokenOptions,
): Promise<TokenSet> {
  const outcome = await services.db.transaction().execute(async (trx): Promise<Outcome> => {
    const connection = await trx
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', connectionId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (connection.status === 'available' || !connection.token_secret_id) {
      return { kind: 'failed', error: new NotConnectedError(connection.provider), connection, attempts: 0 };
    }
    let current: TokenSet;
    try {
      current = await readTokens(services, connection, trx);
    } catch (err) {
      if (err instanceof ProviderError) return { kind: 'failed', error: err, connection, attempts: 0 };
      throw err;
    }
    const someoneElseRefreshed = options.staleAccessToken && current.accessToken !== options.staleAccessToken;
    if ((!options.force && fresh(current)) || someoneElseRefreshed) {
      return { kind: 'ok', tokens: current, refreshed: false, connection };
    }
    if (!current.refreshToken) {
      return {
        kind: 'failed',
        error: new ProviderError(
          'grant_revoked',
          'There is no refresh token to renew the access token with.',
        ),
        connection,
        attempts: 0,
      };
    }
    const def = getProviderDefinition(connection.provider);
    const endpoints = endpointsFor(services.config, def, connection.environment);
    let lastError: ProviderError | undefined;
    for (let attempt = 1; attempt <= RETRIES; attempt++) {
      let persisting = false;
      try {
        const res = await requestToken(
          def,
          endpoints,
          refreshParams(def, current.refreshToken, connection.requested_scopes),
        );
        persisting = true;
        const next = toTokenSet(res, current);
        // Persist first: a rotated refresh token that is lost is a connection that is lost.
        await services.vault.update(connection.token_secret_id, JSON.stringify(next), trx);
        const kept = pick(res, def.oauth.keepFromTokenResponse);
        await trx
          .updateTable('connections')
          .set({
            expires_at: next.expiresAt ? new Date(next.expiresAt) : null,
            last_refresh_success_at: new Date(),
            refresh_attempts: 0,
            provider_meta: JSON.stringify({ ...connection.provider_meta, ...kept }),
            updated_at: new Date(),
          })
          .where('id', '=', connection.id)
          .execute();
        return { kind: 'ok', tokens: next, refreshed: true, connection };
      } catch (err) {
        // Saving failed, not the provider: the database has aborted this transaction, so end it with
        // this cause (any further statement would only say "current transaction is aborted").
        if (persisting) throw err;
        lastError = err instanceof ProviderError ? err : (classifyThrown(err) ?? def.classifyError(err));
        lastError = refreshRejection(lastError);
        const retryable = lastError.code === 'rate_limited' || lastError.code === 'temporary';
        if (!retryable || attempt === RETRIES) break;
        await sleep(backoff(attempt, lastError.details.retryAfterSeconds));
      }
    }
    const attempts = connection.refresh_attempts + 1;
    await trx
      .updateTable('connections')
      .set({ last_refresh_failure_at: new Date(), refresh_attempts: attempts, updated_at: new Date() })
      .where('id', '=', connection.id)
      .execute();
    return { kind: 'failed', error: lastError!, connection, attempts };
  });

  if (outcome.kind === 'ok') {
    if (outcome.refreshed) {
      services.metrics.tokenRefresh(outcome.connection.provider, 'ok');
      await addLog(services, {
        teamId: outcome.connection.team_id,
        provider: outcome.connection.provider,
        connectionId: outcome.connection.id,
        level: 'info',
        event: 'refresh',
        message: `Access token renewed${outcome.tokens.expiresAt ? `, valid until ${outcome.tokens.expiresAt}` : ''}`,
      });
      if (outcome.connection.status === 'error') await recordSuccess(services, outcome.connection);
    }
    return outcome.tokens;
  }
  if (!(outcome.error instanceof NotConnectedError)) {
    services.metrics.tokenRefresh(outcome.connection.provider, 'failed');
    await recordFailure(services, outcome.connection, outcome.error, {
      event: 'refresh_failed',
      persistent: outcome.attempts >= PERSISTENT_AFTER,
    });
  }
  throw outcome.error;
}

/**
 * Runs `fn` with a live token for the team's connection to `provider`: refreshes and retries once on a
 * 401, records failures (and recoveries) on the connection.
 */
export async function withProvider<T>(
  services: Services,
  connection: Connection,
  fn: (ctx: ProviderApiContext) => Promise<T>,
  event: 'test_failed' | 'api_error' = 'api_error',
): Promise<T> {
  const def = getProviderDefinition(connection.provider);
  let { token, connection: current } = await getAccessToken(services, connection.id);
  for (let attempt = 0; ; attempt++) {
    const ctx = {
      accessToken: token,
      apiUrl: apiUrlFor(services.config, def, current.provider_meta),
      meta: current.provider_meta,
    };
    try {
      const result = await fn(ctx);
      if (
        current.status === 'error' ||
        !current.last_success_at ||
        Date.now() - current.last_success_at.getTime() > 60_000
      ) {
        await recordSuccess(services, current);
      }
      return result;
    } catch (err) {
      const error = err instanceof ProviderError ? err : (classifyThrown(err) ?? def.classifyError(err));
      if (error.code === 'token_expired' && attempt === 0) {
        ({ token, connection: current } = await getAccessToken(services, connection.id, {
          force: true,
          staleAccessToken: token,
        }));
        continue;
      }
      await recordFailure(services, current, error, { event });
      throw error;
    }
  }
}

/**
 * A token endpoint that rejects a refresh with 400/401 is saying the refresh token is no good, whatever
 * words it uses (`invalid_grant`, Zoom's "Invalid Token!") — unless it is our app credentials it rejects.
 */
function refreshRejection(err: ProviderError): ProviderError {
  const status = err.details.status;
  if ((status === 400 || status === 401) && err.code !== 'invalid_config' && err.code !== 'grant_revoked') {
    return new ProviderError('grant_revoked', 'The provider refused to renew the access token.', err.details);
  }
  return err;
}

async function load(services: Services, connectionId: string): Promise<Connection> {
  return services.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow();
}

export function pick(source: Record<string, unknown>, keys: string[] | undefined): Record<string, unknown> {
  return Object.fromEntries((keys ?? []).filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

function backoff(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, MAX_WAIT_MS);
  return Math.min(250 * 2 ** (attempt - 1) + Math.random() * 100, MAX_WAIT_MS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
