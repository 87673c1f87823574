/**
 * Google provider against its emulator: the real @googleapis/calendar + google-auth-library clients,
 * tokens from a hand-made OAuth dance (PKCE S256, client credentials in the form body).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { google } from '../../src/providers/google/index.js';
import type { ProviderApiContext, ProviderError } from '../../src/providers/types.js';
import { type GoogleEmulator, startGoogleEmulator } from '../emulators/google.js';

let emulator: GoogleEmulator;
let ctx: ProviderApiContext;

async function connect(): Promise<ProviderApiContext> {
  const { env } = emulator;
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = 'http://127.0.0.1:1/oauth/callback';
  const authorize = new URL(env.GOOGLE_AUTHORIZE_URL!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: env.GOOGLE_CLIENT_ID!,
    redirect_uri: redirectUri,
    scope: google.oauth.scopes.join(google.oauth.scopeSeparator),
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...google.oauth.extraAuthorizeParams,
  }).toString();
  const code = new URL(await emulator.consent(authorize.toString())).searchParams.get('code')!;
  const res = await fetch(env.GOOGLE_TOKEN_URL!, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: env.GOOGLE_CLIENT_ID!,
      client_secret: env.GOOGLE_CLIENT_SECRET!,
    }),
  });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as { access_token: string; refresh_token?: string; expires_in: number };
  expect(tokens.refresh_token).toBeTruthy();
  expect(tokens.expires_in).toBe(3599);
  return { accessToken: tokens.access_token, apiUrl: env.GOOGLE_API_URL!, meta: {} };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
  return google.classifyError(err);
}

beforeAll(async () => {
  emulator = await startGoogleEmulator();
  ctx = await connect();
});
afterAll(() => emulator.close());

describe('google', () => {
  it('identifies the account by its stable id, labelled with the email', async () => {
    expect(await google.identify(ctx)).toEqual({
      accountId: emulator.user.sub,
      label: 'ada@acme.example',
      meta: { email: 'ada@acme.example' },
    });
  });

  it('test call counts the events of the next 7 days', async () => {
    expect(await google.testCall(ctx)).toBe('Calendar reachable: 2 events in the next 7 days');
  });

  it.each([
    [403, undefined, 'permission_denied'],
    [429, 7, 'rate_limited'],
    [500, undefined, 'temporary'],
  ] as const)('HTTP %i → %s', async (status, retryAfter, code) => {
    const message = `emulated ${status}`;
    emulator.failNext('api', { status, retryAfter, body: emulator.apiError(status, message) });
    const err = await failure(google.testCall(ctx));
    expect(err).toMatchObject({ code, details: { status, providerMessage: message } });
    if (retryAfter) expect(err.details.retryAfterSeconds).toBe(7);
  });

  it('a closed port is temporary', async () => {
    const err = await failure(google.testCall({ ...ctx, apiUrl: 'http://127.0.0.1:1/' }));
    expect(err.code).toBe('temporary');
  });

  it('a revoked grant makes calls fail as token_expired, and its refresh as grant_revoked', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await failure(google.testCall(own));
    expect(err.code).toBe('token_expired');
    expect(err.details.providerMessage).toMatch(/invalid authentication credentials/);
    const refresh = await fetch(emulator.env.GOOGLE_TOKEN_URL!, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'any',
        client_id: emulator.env.GOOGLE_CLIENT_ID!,
        client_secret: emulator.env.GOOGLE_CLIENT_SECRET!,
      }),
    });
    expect(
      google.classifyError({ message: 'x', response: { status: refresh.status, data: await refresh.json() } })
        .code,
    ).toBe('grant_revoked');
  });
});
