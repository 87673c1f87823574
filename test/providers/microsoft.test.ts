/**
 * Microsoft provider against its emulator: the real Graph client over https (self-signed certificate
 * trusted through `trustGraphCertificates`), tokens from a hand-made OAuth dance (PKCE S256, client
 * credentials in the form body).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustGraphCertificates } from '../../src/providers/microsoft/client.js';
import { microsoft } from '../../src/providers/microsoft/index.js';
import type { ProviderApiContext, ProviderError } from '../../src/providers/types.js';
import { type MicrosoftEmulator, startMicrosoftEmulator } from '../emulators/microsoft.js';

let emulator: MicrosoftEmulator;
let ctx: ProviderApiContext;
const redirectUri = 'http://127.0.0.1:1/oauth/callback';

async function token(params: Record<string, string>): Promise<Response> {
  const { env } = emulator;
  return fetch(env.MICROSOFT_TOKEN_URL!, {
    method: 'POST',
    body: new URLSearchParams({
      ...params,
      client_id: env.MICROSOFT_CLIENT_ID!,
      client_secret: env.MICROSOFT_CLIENT_SECRET!,
    }),
  });
}

async function connect(): Promise<{ ctx: ProviderApiContext; refreshToken: string }> {
  const { env } = emulator;
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(env.MICROSOFT_AUTHORIZE_URL!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: env.MICROSOFT_CLIENT_ID!,
    redirect_uri: redirectUri,
    scope: microsoft.oauth.scopes.join(microsoft.oauth.scopeSeparator),
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...microsoft.oauth.extraAuthorizeParams,
  }).toString();
  const code = new URL(await emulator.consent(authorize.toString())).searchParams.get('code')!;
  const res = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return {
    ctx: { accessToken: body.access_token, apiUrl: env.MICROSOFT_API_URL!, meta: {} },
    refreshToken: body.refresh_token,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
  return microsoft.classifyError(err);
}

beforeAll(async () => {
  emulator = await startMicrosoftEmulator();
  trustGraphCertificates(emulator.graphCa);
  ({ ctx } = await connect());
});
afterAll(async () => {
  trustGraphCertificates(undefined);
  await emulator.close();
});

describe('microsoft', () => {
  it('identifies the user, with the tenant in meta', async () => {
    expect(await microsoft.identify(ctx)).toEqual({
      accountId: emulator.user.id,
      label: 'ada@contoso.example (Contoso)',
      meta: { email: 'ada@contoso.example', tenantId: emulator.tenant.id, tenantName: 'Contoso' },
    });
  });

  it('test call counts the events of the next 7 days', async () => {
    expect(await microsoft.testCall(ctx)).toBe('Calendar reachable: 2 events in the next 7 days');
  });

  it('an untrusted certificate is refused, not ignored', async () => {
    trustGraphCertificates(undefined);
    try {
      await expect(microsoft.testCall(ctx)).rejects.toThrow();
    } finally {
      trustGraphCertificates(emulator.graphCa);
    }
  });

  it('refresh returns a new refresh token and the old one stays valid', async () => {
    const { refreshToken } = await connect();
    const first = (await (
      await token({ grant_type: 'refresh_token', refresh_token: refreshToken })
    ).json()) as {
      refresh_token: string;
    };
    expect(first.refresh_token).not.toBe(refreshToken);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200);
  });

  it.each([
    [403, undefined, 'permission_denied'],
    [429, 7, 'rate_limited'],
    [500, undefined, 'temporary'],
  ] as const)('HTTP %i → %s', async (status, retryAfter, code) => {
    const message = `emulated ${status}`;
    emulator.failNext('api', { status, retryAfter, body: emulator.apiError(status, message) });
    const err = await failure(microsoft.testCall(ctx));
    expect(err).toMatchObject({ code, details: { status, providerMessage: message } });
    if (retryAfter) expect(err.details.retryAfterSeconds).toBe(7);
  });

  it('a closed port is temporary', async () => {
    const err = await failure(microsoft.testCall({ ...ctx, apiUrl: 'https://127.0.0.1:1/' }));
    expect(err.code).toBe('temporary');
  });

  it('a revoked grant makes calls fail as token_expired, and its refresh as grant_revoked', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await failure(microsoft.testCall(own.ctx));
    expect(err).toMatchObject({ code: 'token_expired', details: { providerMessage: /token is expired/ } });
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: own.refreshToken });
    const body = (await refresh.json()) as { error: string; error_description: string };
    expect(body).toMatchObject({ error: 'invalid_grant', error_description: /^AADSTS700082:/ });
  });
});
