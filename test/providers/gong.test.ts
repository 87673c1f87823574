/**
 * Gong provider against its emulator: fetch client on the per-company API base from the token response,
 * tokens from a hand-made OAuth dance (no PKCE, client credentials as HTTP Basic).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gong } from '../../src/providers/gong/index.js';
import type { ProviderApiContext, ProviderError } from '../../src/providers/types.js';
import { type GongEmulator, startGongEmulator } from '../emulators/gong.js';

let emulator: GongEmulator;
let ctx: ProviderApiContext;
const redirectUri = 'http://127.0.0.1:1/oauth/callback';

async function token(params: Record<string, string>): Promise<Response> {
  const { env } = emulator;
  const basic = Buffer.from(`${env.GONG_CLIENT_ID}:${env.GONG_CLIENT_SECRET}`).toString('base64');
  return fetch(env.GONG_TOKEN_URL!, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}` },
    body: new URLSearchParams(params),
  });
}

async function connect(): Promise<{ ctx: ProviderApiContext; refreshToken: string }> {
  const { env } = emulator;
  const authorize = new URL(env.GONG_AUTHORIZE_URL!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: env.GONG_CLIENT_ID!,
    redirect_uri: redirectUri,
    scope: gong.oauth.scopes.join(gong.oauth.scopeSeparator),
    state: 'st',
  }).toString();
  const code = new URL(await emulator.consent(authorize.toString())).searchParams.get('code')!;
  const res = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, string>;
  const meta = Object.fromEntries((gong.oauth.keepFromTokenResponse ?? []).map((k) => [k, body[k]]));
  const apiUrl = gong.apiUrlFrom?.(meta) ?? gong.oauth.apiUrl;
  return { ctx: { accessToken: body.access_token!, apiUrl, meta }, refreshToken: body.refresh_token! };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
  return gong.classifyError(err);
}

beforeAll(async () => {
  emulator = await startGongEmulator();
  ({ ctx } = await connect());
});
afterAll(() => emulator.close());

describe('gong', () => {
  it('uses the per-company API base from the token response', () => {
    expect(ctx.apiUrl).toBe(emulator.url);
  });

  it('identifies the company by its lowest workspace id, labelled with the workspace name', async () => {
    expect(await gong.identify(ctx)).toMatchObject({
      accountId: '1234567890123456',
      label: 'Acme Sales (+1 more workspaces)',
    });
  });

  it('test call counts the calls of the last 7 days', async () => {
    expect(await gong.testCall(ctx)).toBe('Calls API reachable: 3 calls in the last 7 days');
  });

  it("Gong's 404 for an empty range is zero calls, not an error", async () => {
    const saved = emulator.calls.splice(0);
    try {
      expect(await gong.testCall(ctx)).toBe('Calls API reachable: 0 calls in the last 7 days');
    } finally {
      emulator.calls.push(...saved);
    }
  });

  it('refresh tokens are single-use', async () => {
    const { refreshToken } = await connect();
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200);
    const again = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it.each([
    [403, undefined, 'permission_denied'],
    [429, 7, 'rate_limited'],
    [500, undefined, 'temporary'],
  ] as const)('HTTP %i → %s', async (status, retryAfter, code) => {
    const message = `emulated ${status}`;
    emulator.failNext('api', { status, retryAfter, body: emulator.apiError(status, message) });
    const err = await failure(gong.testCall(ctx));
    expect(err).toMatchObject({ code, details: { status, providerMessage: message } });
    if (retryAfter) expect(err.details.retryAfterSeconds).toBe(7);
  });

  it('a closed port is temporary', async () => {
    const err = await failure(gong.testCall({ ...ctx, apiUrl: 'http://127.0.0.1:1' }));
    expect(err.code).toBe('temporary');
  });

  it('a revoked grant makes calls fail as token_expired', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await failure(gong.testCall(own.ctx));
    expect(err).toMatchObject({ code: 'token_expired', details: { status: 401 } });
  });
});
