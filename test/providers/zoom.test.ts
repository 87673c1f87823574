/**
 * Zoom provider against its emulator: fetch client, tokens from the OAuth dance (PKCE S256, client
 * credentials as HTTP Basic, comma-separated scopes). Fault mapping, an unreachable API and the revoked
 * grant's 401 are in contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/providers/http-client.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { zoom } from '../../src/providers/zoom/index.js';
import { classifiedFailure } from '../emulators/failures.js';
import { apiContextFrom, connectThroughOAuth, postToTokenEndpoint } from '../emulators/oauth-dance.js';
import { startZoomEmulator, type ZoomEmulator } from '../emulators/zoom.js';

let emulator: ZoomEmulator;
let ctx: ProviderApiContext;

/**
 * Connect, the user granting `scopes` on Zoom's consent screen. Every token response is Zoom-shaped:
 * expires_in 3600 and the granted scopes, space-separated (the authorize URL took them comma-separated).
 */
async function connect(
  scopes = zoom.oauth.scopes,
): Promise<{ ctx: ProviderApiContext; refreshToken: string }> {
  emulator.grantScopes(scopes);
  const tokens = await connectThroughOAuth(emulator, zoom);
  expect(tokens).toMatchObject({ expires_in: 3600, scope: scopes.join(' ') });
  return { ctx: apiContextFrom(emulator, zoom, tokens), refreshToken: String(tokens.refresh_token) };
}

const refresh = (refreshToken: string) =>
  postToTokenEndpoint(emulator, zoom, { grant_type: 'refresh_token', refresh_token: refreshToken });

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
    const err = await classifiedFailure(zoom, () => zoom.identify(narrow.ctx));
    expect(err).toMatchObject({ code: 'permission_denied', details: { providerMessage: /user:read:user/ } });
  });

  it('refresh rotates; the old refresh token then reads as grant_revoked', async () => {
    const { refreshToken } = await connect();
    const first = await refresh(refreshToken);
    expect(((await first.json()) as { refresh_token: string }).refresh_token).not.toBe(refreshToken);
    const again = await refresh(refreshToken);
    const err = zoom.classifyError(new HttpError(again.status, again.headers, await again.json()));
    expect(err.code).toBe('grant_revoked');
  });

  it('revocation needs the client’s Basic credentials, as at the token endpoint', async () => {
    const { refreshToken } = await connect();
    const revoke = (headers: Record<string, string>) =>
      fetch(emulator.env.ZOOM_REVOKE_URL ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ token: refreshToken }).toString(),
      });
    expect((await revoke({})).status).toBe(401);
    expect(emulator.liveRefreshTokens()).toContain(refreshToken);
    const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
    expect((await revoke({ authorization: `Basic ${basic}` })).status).toBe(200);
    expect(emulator.liveRefreshTokens()).not.toContain(refreshToken);
  });

  it('a revoked grant makes calls fail as token_expired, in Zoom’s words', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await classifiedFailure(zoom, () => zoom.testCall(own.ctx));
    expect(err).toMatchObject({
      code: 'token_expired',
      details: { providerMessage: 'Invalid access token.' },
    });
  });
});
