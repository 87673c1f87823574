import type { Config } from '../../app/config.js';
import type { ProviderDefinition } from '../types.js';
import { endpointsFor, redirectUri } from './endpoints.js';
import { pkceChallenge } from './pkce.js';

/** The provider's consent URL for a state: client id, redirect, scopes, state, PKCE S256, extras. */
export function authorizeUrl(
  config: Config,
  def: ProviderDefinition,
  state: string,
  record: { environment?: string; codeVerifier?: string },
): string {
  const endpoints = endpointsFor(config, def, record.environment);
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set('client_id', endpoints.clientId);
  url.searchParams.set('redirect_uri', redirectUri(config, def));
  url.searchParams.set('response_type', 'code');
  if (def.oauth.scopes.length) url.searchParams.set('scope', def.oauth.scopes.join(def.oauth.scopeSeparator));
  url.searchParams.set('state', state);
  if (def.oauth.pkce && record.codeVerifier) {
    url.searchParams.set('code_challenge', pkceChallenge(record.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(def.oauth.extraAuthorizeParams ?? {})) url.searchParams.set(k, v);
  return url.toString();
}
