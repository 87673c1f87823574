/**
 * Starting and completing a connection: the OAuth callback's work after the state checks out.
 */

import type { Connection } from '../../app/db-types.js';
import { rememberSecretsIn } from '../../app/redact.js';
import type { Services } from '../../app/services.js';
import { classifyThrown, providerWords } from '../../providers/errors.js';
import { apiUrlFor, endpointsFor, redirectUri } from '../../providers/oauth/endpoints.js';
import { missingScopes, reportedScopes } from '../../providers/oauth/scopes.js';
import { requestToken, toTokenSet } from '../../providers/oauth/token-endpoint.js';
import { type ProviderDefinition, ProviderError } from '../../providers/types.js';
import { connectedDm } from '../../views/messages/connection-dms.js';
import { resumeRunsWaitingFor } from '../workflows/waiting.js';
import { addLog } from './logs.js';
import { dm } from './notify.js';
import { createState, type StateRecord } from './oauth-states.js';
import { pick } from './tokens.js';
import { TROUBLESHOOTING } from './troubleshooting.js';

/** A link to start connecting: our /start route, which checks the state then sends the browser on. */
export async function connectLink(
  services: Services,
  def: ProviderDefinition,
  f: { teamId: string; userId: string; environment?: string },
): Promise<string> {
  endpointsFor(services.config, def, f.environment); // fails early, in words, if the app is not set up
  const state = await createState(services, { ...f, provider: def.id, pkce: def.oauth.pkce });
  return `${services.config.publicUrl}/oauth/${def.id}/start?state=${encodeURIComponent(state)}`;
}

export type ConnectResult =
  | { ok: true; connection: Connection; missingScopes: string[] }
  | { ok: false; error: ProviderError };

export async function completeConnection(
  services: Services,
  def: ProviderDefinition,
  record: StateRecord,
  code: string,
): Promise<ConnectResult> {
  const endpoints = endpointsFor(services.config, def, record.environment);
  let tokens: Awaited<ReturnType<typeof requestToken>>;
  let identity: Awaited<ReturnType<ProviderDefinition['identify']>>;
  const meta: Record<string, unknown> = {};
  try {
    tokens = await requestToken(def, endpoints, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(services.config, def),
      ...(record.codeVerifier ? { code_verifier: record.codeVerifier } : {}),
    });
    // Known to the scrubber before anything can echo them (identify's errors included).
    rememberSecretsIn(tokens);
    Object.assign(meta, pick(tokens, def.oauth.keepFromTokenResponse));
    identity = await def.identify({
      accessToken: tokens.access_token,
      apiUrl: apiUrlFor(services.config, def, meta),
      meta,
    });
  } catch (err) {
    const error = err instanceof ProviderError ? err : (classifyThrown(err) ?? def.classifyError(err));
    await addLog(services, {
      teamId: record.teamId,
      provider: def.id,
      level: 'error',
      event: 'connect_failed',
      message: `Connecting failed: ${TROUBLESHOOTING[error.code].title}`,
      providerWords: providerWords(error),
      detail: { code: error.code, status: error.details.status },
    });
    return { ok: false, error };
  }
  Object.assign(meta, identity.meta ?? {});
  // A sandbox org looks like production in every other way: say so wherever the account is named.
  if (record.environment && record.environment !== Object.keys(def.oauth.environments ?? {})[0]) {
    identity = {
      ...identity,
      label: `${identity.label} — ${def.oauth.environments?.[record.environment]?.label ?? record.environment}`,
    };
  }
  const requested = def.oauth.scopes;
  // The token response's `scope`, else what identify() read (HubSpot's token info); a provider that
  // reports no grant at all (Notion: pages are picked on its consent screen) has nothing to compare.
  const reported = reportedScopes(tokens) ?? identity.grantedScopes;
  const granted = reported ?? requested;
  const missing = reported ? missingScopes(def.oauth, reported) : [];
  const tokenSet = toTokenSet(tokens);

  const connection = await services.db.transaction().execute(async (trx) => {
    // Two tabs finishing the same flow: the second waits on the row lock and updates the same row.
    await trx
      .insertInto('connections')
      .values({ team_id: record.teamId, provider: def.id, updated_at: new Date() })
      .onConflict((oc) => oc.columns(['team_id', 'provider']).doNothing())
      .execute();
    const row = await trx
      .selectFrom('connections')
      .selectAll()
      .where('team_id', '=', record.teamId)
      .where('provider', '=', def.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let secretId = row.token_secret_id;
    if (secretId) await services.vault.update(secretId, JSON.stringify(tokenSet), trx);
    else secretId = await services.vault.put(JSON.stringify(tokenSet), `${def.id}-tokens`, trx);
    const now = new Date();
    return trx
      .updateTable('connections')
      .set({
        status: missing.length ? 'error' : 'connected',
        error_code: missing.length ? 'permission_denied' : null,
        error_message: missing.length ? `Missing permissions: ${missing.join(', ')}` : null,
        error_since: missing.length ? now : null,
        environment: record.environment ?? null,
        requested_scopes: requested,
        granted_scopes: granted,
        external_account_id: identity.accountId,
        external_account_label: identity.label,
        provider_meta: JSON.stringify(meta),
        token_secret_id: secretId,
        expires_at: tokenSet.expiresAt ? new Date(tokenSet.expiresAt) : null,
        refresh_attempts: 0,
        connected_by: record.userId,
        connected_at: now,
        last_success_at: now,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });

  await addLog(services, {
    teamId: record.teamId,
    provider: def.id,
    connectionId: connection.id,
    level: missing.length ? 'error' : 'info',
    event: 'connect',
    message: missing.length
      ? `Connected ${identity.label} without some permissions: ${missing.join(', ')}`
      : `Connected ${identity.label}`,
    detail: { account: identity.accountId, scopes: granted, by: record.userId },
  });
  await dm(services, record.teamId, record.userId, connectedDm(def, identity.label, missing));
  if (!missing.length) await resumeRunsWaitingFor(services, record.teamId, def.id);
  return { ok: true, connection, missingScopes: missing };
}
