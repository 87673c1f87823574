/**
 * Talking to a provider's token endpoint — code exchange, refresh, revocation — the way its OAuth facts
 * say (client auth in the body or HTTP Basic, form or JSON). Every failure becomes a ProviderError with
 * the provider's own words; a 200 that is not a token is a failure too.
 */
import { z } from 'zod';
import { rememberSecret } from '../../app/redact.js';
import { classifyHttp, classifyThrown } from '../errors.js';
import { type ProviderDefinition, ProviderError, type TokenSet } from '../types.js';
import type { Endpoints } from './endpoints.js';

const TIMEOUT_MS = 10_000;

const tokenResponse = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1).optional(),
    expires_in: z.coerce.number().positive().optional(),
    token_type: z.string().optional(),
    scope: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();

export type TokenResponse = z.infer<typeof tokenResponse>;

export async function requestToken(
  def: ProviderDefinition,
  endpoints: Endpoints,
  params: Record<string, string>,
): Promise<TokenResponse> {
  const { headers, body } = withClientAuth(def, endpoints, params);
  headers.accept = 'application/json';
  const json = def.oauth.tokenBody === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const res = await send(endpoints.tokenUrl, {
    method: 'POST',
    headers,
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const text = await res.text();
  const parsed = parseJson(text);
  if (!res.ok) throw classifyHttp({ status: res.status, headers: res.headers, body: parsed ?? text });
  const token = tokenResponse.safeParse(parsed);
  if (!token.success) {
    throw new ProviderError(
      'unknown',
      `${def.name} answered the token request with something that is not a token.`,
      {
        status: res.status,
      },
    );
  }
  rememberSecret(token.data.access_token);
  rememberSecret(token.data.refresh_token);
  return token.data;
}

/** A token response as a TokenSet. Providers that do not rotate omit the refresh token: keep the old one. */
export function toTokenSet(res: TokenResponse, previous?: TokenSet): TokenSet {
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token ?? previous?.refreshToken,
    expiresAt: res.expires_in ? new Date(Date.now() + res.expires_in * 1000).toISOString() : undefined,
    tokenType: res.token_type,
  };
}

/**
 * The body of a refresh request. Providers whose facts say so (Microsoft v2, where `scope` is documented
 * as required) also get the scopes consented at connect time: asking for more would be refused.
 */
export function refreshParams(
  def: ProviderDefinition,
  refreshToken: string,
  consentedScopes: readonly string[] = [],
): Record<string, string> {
  const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
  // A connection made before its scopes were recorded consented to the definition's.
  const scopes = consentedScopes.length ? consentedScopes : def.oauth.scopes;
  if (def.oauth.scopeOnRefresh) params.scope = scopes.join(def.oauth.scopeSeparator);
  return params;
}

/** Client credentials the provider's way: HTTP Basic, or `client_id` + `client_secret` in the body. */
function withClientAuth(
  def: ProviderDefinition,
  endpoints: Endpoints,
  params: Record<string, string>,
): { headers: Record<string, string>; body: Record<string, string> } {
  if (def.oauth.clientAuth === 'basic') {
    const basic = Buffer.from(`${endpoints.clientId}:${endpoints.clientSecret}`).toString('base64');
    return { headers: { authorization: `Basic ${basic}` }, body: { ...params } };
  }
  return {
    headers: {},
    body: { ...params, client_id: endpoints.clientId, client_secret: endpoints.clientSecret },
  };
}

/** RFC 7009 revocation, or the provider's own revoke(); a provider without one has nothing to call. */
export async function revokeTokens(
  def: ProviderDefinition,
  endpoints: Endpoints,
  tokens: TokenSet,
): Promise<boolean> {
  if (!endpoints.revokeUrl) return false;
  if (def.revoke) {
    await def.revoke({
      tokens,
      revokeUrl: endpoints.revokeUrl,
      clientId: endpoints.clientId,
      clientSecret: endpoints.clientSecret,
    });
    return true;
  }
  const token = tokens.refreshToken ?? tokens.accessToken;
  // RFC 7009 §2.1: a confidential client authenticates at the revocation endpoint as at the token one.
  const { headers, body } = withClientAuth(def, endpoints, { token });
  headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await send(endpoints.revokeUrl, {
    method: 'POST',
    headers,
    body: new URLSearchParams(body).toString(),
  });
  // 400 invalid_token: already revoked — the outcome we wanted.
  if (!res.ok && res.status !== 400) {
    const text = await res.text();
    throw classifyHttp({ status: res.status, headers: res.headers, body: parseJson(text) ?? text });
  }
  return true;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw classifyThrown(err) ?? new ProviderError('temporary', 'The provider could not be reached.');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
