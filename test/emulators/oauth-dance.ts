/**
 * The client side of an authorization-code grant, done by hand from a provider's OAuth facts: what the
 * OAuth engine does, spelled out so a provider test needs no engine. Because it reads the facts (client
 * auth, body encoding, PKCE, scope separator, extra params), it also proves they match what the emulator
 * — modelled on the provider — accepts. Also here: other token-endpoint requests made the provider's way
 * (refresh grants), and the API context the app builds from a token response.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Endpoints } from '../../src/providers/oauth/endpoints.js';
import type { ProviderApiContext, ProviderDefinition } from '../../src/providers/types.js';
import type { ProviderEmulator } from './provider-emulator.js';

/** Never contacted: the emulator's consent only echoes it back in the redirect. Registered before use. */
export const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';

/** The authorize URL the provider's facts make, before consent; `query` changes or (null) drops a parameter. */
export function authorizeUrlFor(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
  f: { state: string; verifier: string; query?: Record<string, string | null> },
): string {
  const facts = provider.oauth;
  const env = (key: string) => emulator.env[`${provider.envPrefix}_${key}`] ?? '';
  const authorize = new URL(env('AUTHORIZE_URL'));
  const query = authorize.searchParams;
  query.set('client_id', env('CLIENT_ID'));
  query.set('redirect_uri', REDIRECT_URI);
  query.set('response_type', 'code');
  query.set('state', f.state);
  if (facts.scopes.length > 0) query.set('scope', facts.scopes.join(facts.scopeSeparator));
  for (const [k, v] of Object.entries(facts.extraAuthorizeParams ?? {})) query.set(k, v);
  if (facts.pkce) {
    query.set('code_challenge', createHash('sha256').update(f.verifier).digest('base64url'));
    query.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(f.query ?? {})) {
    if (v === null) query.delete(k);
    else query.set(k, v);
  }
  return authorize.toString();
}

/** Authorize and consent the provider's way; the code and what the exchange needs with it. */
export async function authorizeAndConsent(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
  query?: Record<string, string | null>,
): Promise<{ code: string; params: Record<string, string> }> {
  emulator.registerRedirectUri(REDIRECT_URI);
  const state = randomBytes(12).toString('hex');
  const verifier = randomBytes(32).toString('base64url');
  const callback = new URL(
    await emulator.consent(authorizeUrlFor(emulator, provider, { state, verifier, query })),
  );
  if (callback.searchParams.get('state') !== state) throw new Error('state did not round-trip');
  const code = callback.searchParams.get('code');
  if (!code) {
    const why = `${callback.searchParams.get('error')}: ${callback.searchParams.get('error_description')}`;
    throw new Error(`no code in callback: ${why}`);
  }
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
  };
  if (provider.oauth.pkce) params.code_verifier = verifier;
  return { code, params };
}

/**
 * What the provider's authorize endpoint does with a request: a code, or the OAuth error it refused with —
 * sent back to the app (`redirected`) or shown on its own error page.
 */
export async function tryAuthorize(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
  query: Record<string, string | null>,
): Promise<{ code?: string; error?: string; redirected: boolean }> {
  emulator.registerRedirectUri(REDIRECT_URI);
  const url = authorizeUrlFor(emulator, provider, { state: 's', verifier: 'v'.repeat(43), query });
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (location) {
    const back = new URL(location).searchParams;
    return { code: back.get('code') ?? undefined, error: back.get('error') ?? undefined, redirected: true };
  }
  const page = await res.text();
  return { error: /Error \d+: (\w+)/.exec(page)?.[1] ?? `HTTP ${res.status}`, redirected: false };
}

/** Authorize, consent, exchange the code; returns the raw token response (holds secrets: never print it). */
export async function connectThroughOAuth(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
): Promise<Record<string, unknown>> {
  const { params } = await authorizeAndConsent(emulator, provider);
  const res = await postToTokenEndpoint(emulator, provider, params);
  // Error bodies carry no secrets, so they are safe to show; success bodies are never printed.
  if (!res.ok) throw new Error(`token exchange failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The emulator as the OAuth engine's `Endpoints`, so a test can drive the engine itself against it. */
export function endpointsOf(emulator: ProviderEmulator, provider: ProviderDefinition): Endpoints {
  const env = (key: string) => emulator.env[`${provider.envPrefix}_${key}`];
  return {
    clientId: env('CLIENT_ID') ?? '',
    clientSecret: env('CLIENT_SECRET') ?? '',
    authorizeUrl: env('AUTHORIZE_URL') ?? '',
    tokenUrl: env('TOKEN_URL') ?? '',
    revokeUrl: env('REVOKE_URL'),
    apiUrl: env('API_URL') ?? provider.oauth.apiUrl,
  };
}

/**
 * POST `params` (grant_type …) to the emulator's token endpoint the way the provider's facts say: client
 * credentials in the body or as HTTP Basic, a form or JSON body — or, through `how`, the other way, to
 * see it refused. Returns the raw response.
 */
export async function postToTokenEndpoint(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
  params: Record<string, string>,
  how: { encoding?: 'form' | 'json'; clientAuth?: 'body' | 'basic' } = {},
): Promise<Response> {
  const { encoding = provider.oauth.tokenBody, clientAuth = provider.oauth.clientAuth } = how;
  const env = (key: string) => emulator.env[`${provider.envPrefix}_${key}`] ?? '';
  const body: Record<string, string> = { ...params };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (clientAuth === 'body') {
    body.client_id = env('CLIENT_ID');
    body.client_secret = env('CLIENT_SECRET');
  } else {
    headers.authorization = `Basic ${Buffer.from(`${env('CLIENT_ID')}:${env('CLIENT_SECRET')}`).toString('base64')}`;
  }
  headers['content-type'] = encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return fetch(env('TOKEN_URL'), {
    method: 'POST',
    headers,
    body: encoding === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
}

/**
 * The ProviderApiContext the app builds from a token response: `meta` keeps the provider's
 * `keepFromTokenResponse` fields; the API base is chosen as `apiUrlFor` does — the `<P>_API_URL` setting,
 * then the per-account URL from meta (`apiUrlFrom`), then the provider's default.
 */
export function apiContextFrom(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
  tokens: Record<string, unknown>,
): ProviderApiContext {
  const meta = Object.fromEntries(
    (provider.oauth.keepFromTokenResponse ?? []).map((k) => [k, tokens[k]] as const),
  );
  const apiUrl =
    emulator.env[`${provider.envPrefix}_API_URL`] ?? provider.apiUrlFrom?.(meta) ?? provider.oauth.apiUrl;
  return { accessToken: String(tokens.access_token), apiUrl, meta };
}
