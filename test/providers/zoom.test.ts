/**
 * Zoom provider against its emulator: fetch client, tokens from a hand-made OAuth dance (PKCE S256,
 * client credentials as HTTP Basic, comma-separated scopes).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/providers/http-client.js';
import type { ProviderApiContext, ProviderError } from '../../src/providers/types.js';
import { zoom } from '../../src/providers/zoom/index.js';
import { startZoomEmulator, type ZoomEmulator } from '../emulators/zoom.js';

let emulator: ZoomEmulator;
let ctx: ProviderApiContext;
const redirectUri = 'http://127.0.0.1:1/oauth/callback';

async function token(params: Record<string, string>): Promise<Response> {
  const { env } = emulator;
  const basic = Buffer.from(`${env.ZOOM_CLIENT_ID}:${env.ZOOM_CLIENT_SECRET}`).toString('base64');
  return fetch(env.ZOOM_TOKEN_URL!, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}` },
    body: new URLSearchParams(params),
  });
}

async function connect(
  scopes = zoom.oauth.scopes,
): Promise<{ ctx: ProviderApiContext; refreshToken: string }> {
  const { env } = emulator;
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(env.ZOOM_AUTHORIZE_URL!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: env.ZOOM_CLIENT_ID!,
    redirect_uri: redirectUri,
    scope: scopes.join(zoom.oauth.scopeSeparator),
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const code = new URL(await emulator.consent(authorize.toString())).searchParams.get('code')!;
  const res = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    access_token: string;
    refresh_token: string;
    scope: string;
    expires_in: number;
  };
  expect(body).toMatchObject({ expires_in: 3600, scope: scopes.join(',') });
  return {
    ctx: { accessToken: body.access_token, apiUrl: env.ZOOM_API_URL!, meta: {} },
    refreshToken: body.refresh_token,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
  return zoom.classifyError(err);
}

beforeAll(async () => {
  emulator = await startZoomEmulator();
  ({ ctx } = await connect());
});
afterAll(() => emulator.close());

describe('zoom', () => {
  it('identifies the Zoom account, labelled with the email', async () => {
    expect(await zoom.identify(ctx)).toEqual({
      accountId: emulator.user.account_id,
      label: 'ada@acme.example',
      meta: { userId: emulator.user.id, email: 'ada@acme.example' },
    });
  });

  it('test call counts upcoming meetings', async () => {
    expect(await zoom.testCall(ctx)).toBe('Meetings API reachable: 2 upcoming meetings');
  });

  it("Zoom's missing-scope answer (400, code 4711) is permission_denied", async () => {
    const narrow = await connect(['meeting:read:meeting']);
    const err = await failure(zoom.identify(narrow.ctx));
    expect(err).toMatchObject({ code: 'permission_denied', details: { providerMessage: /user:read:user/ } });
  });

  it('refresh rotates; the old refresh token then reads as grant_revoked', async () => {
    const { refreshToken } = await connect();
    const first = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(((await first.json()) as { refresh_token: string }).refresh_token).not.toBe(refreshToken);
    const again = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const err = zoom.classifyError(new HttpError(again.status, again.headers, await again.json()));
    expect(err.code).toBe('grant_revoked');
  });

  it.each([
    [403, undefined, 'permission_denied'],
    [429, 7, 'rate_limited'],
    [500, undefined, 'temporary'],
  ] as const)('HTTP %i → %s', async (status, retryAfter, code) => {
    const message = `emulated ${status}`;
    emulator.failNext('api', { status, retryAfter, body: emulator.apiError(status, message) });
    const err = await failure(zoom.testCall(ctx));
    expect(err).toMatchObject({ code, details: { status, providerMessage: message } });
    if (retryAfter) expect(err.details.retryAfterSeconds).toBe(7);
  });

  it('a closed port is temporary', async () => {
    const err = await failure(zoom.testCall({ ...ctx, apiUrl: 'http://127.0.0.1:1/v2' }));
    expect(err.code).toBe('temporary');
  });

  it('a revoked grant makes calls fail as token_expired', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await failure(zoom.testCall(own.ctx));
    expect(err).toMatchObject({
      code: 'token_expired',
      details: { providerMessage: 'Invalid access token.' },
    });
  });
});
