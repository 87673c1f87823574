/**
 * The client side of an authorization-code grant, done by hand from a provider's OAuth facts: what the
 * OAuth engine does, spelled out so a provider test needs no engine. Because it reads the facts (client
 * auth, body encoding, PKCE, scope separator, extra params), it also proves they match what the emulator
 * — modelled on the provider — accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ProviderDefinition } from '../../src/providers/types.js';
import type { ProviderEmulator } from './provider-emulator.js';

/** Never contacted: the emulator's consent only echoes it back in the redirect. */
const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';

/** Authorize, consent, exchange the code; returns the raw token response (holds secrets: never print it). */
export async function connectThroughOAuth(
  emulator: ProviderEmulator,
  provider: ProviderDefinition,
): Promise<Record<string, unknown>> {
  const facts = provider.oauth;
  const env = (key: string) => emulator.env[`${provider.envPrefix}_${key}`] ?? '';
  const state = randomBytes(12).toString('hex');
  const verifier = randomBytes(32).toString('base64url');

  const authorize = new URL(env('AUTHORIZE_URL'));
  const query = authorize.searchParams;
  query.set('client_id', env('CLIENT_ID'));
  query.set('redirect_uri', REDIRECT_URI);
  query.set('response_type', 'code');
  query.set('state', state);
  if (facts.scopes.length > 0) query.set('scope', facts.scopes.join(facts.scopeSeparator));
  for (const [k, v] of Object.entries(facts.extraAuthorizeParams ?? {})) query.set(k, v);
  if (facts.pkce) {
    query.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    query.set('code_challenge_method', 'S256');
  }

  const callback = new URL(await emulator.consent(authorize.toString()));
  if (callback.searchParams.get('state') !== state) throw new Error('state did not round-trip');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in callback: ${callback.searchParams.get('error')}`);

  const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
  if (facts.pkce) body.code_verifier = verifier;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (facts.clientAuth === 'body') {
    body.client_id = env('CLIENT_ID');
    body.client_secret = env('CLIENT_SECRET');
  } else {
    headers.authorization = `Basic ${Buffer.from(`${env('CLIENT_ID')}:${env('CLIENT_SECRET')}`).toString('base64')}`;
  }
  headers['content-type'] =
    facts.tokenBody === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  const res = await fetch(env('TOKEN_URL'), {
    method: 'POST',
    headers,
    body: facts.tokenBody === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  // Error bodies carry no secrets, so they are safe to show; success bodies are never printed.
  if (!res.ok) throw new Error(`token exchange failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
