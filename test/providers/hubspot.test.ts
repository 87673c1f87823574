/**
 * HubSpot through the real @hubspot/api-client against the emulator: identity, the test call, HubSpot's
 * own error words, and its own revocation (DELETE of the refresh token). Fault mapping for every fault
 * class, an unreachable API and a revoked grant are in contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotClient } from '../../src/providers/hubspot/client.js';
import { hubspot } from '../../src/providers/hubspot/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure } from '../emulators/failures.js';
import { type HubSpotEmulator, startHubSpotEmulator } from '../emulators/hubspot.js';
import { apiContextFrom, connectThroughOAuth, postToTokenEndpoint } from '../emulators/oauth-dance.js';

describe('hubspot provider', () => {
  let emulator: HubSpotEmulator;
  let ctx: ProviderApiContext;
  let refreshToken: string;

  const connect = async () => {
    const tokens = await connectThroughOAuth(emulator, hubspot);
    refreshToken = String(tokens.refresh_token);
    ctx = apiContextFrom(emulator, hubspot, tokens);
  };

  beforeAll(async () => {
    emulator = await startHubSpotEmulator();
    await connect();
  });
  afterAll(() => emulator.close());

  it('gets HubSpot-shaped tokens: 30-minute access token and a refresh token', async () => {
    const tokens = await connectThroughOAuth(emulator, hubspot);
    expect(tokens.expires_in).toBe(1800);
    expect(typeof tokens.refresh_token).toBe('string');
  });

  it('identifies the portal and reports the scopes really granted', async () => {
    const identity = await hubspot.identify(ctx);
    expect(identity.accountId).toBe('1234567');
    expect(identity.label).toBe('acme.com (portal 1234567)');
    expect(identity.grantedScopes).toEqual(hubspot.oauth.scopes);
  });

  it('reads a deal as its test call', async () => {
    await expect(hubspot.testCall(ctx)).resolves.toBe('Read 1 deal');
  });

  it('keeps HubSpot’s own words for a missing scope', async () => {
    emulator.failNext('api', emulator.fault(403));
    const denied = await classifiedFailure(hubspot, () => hubspot.testCall(ctx));
    expect(denied.code).toBe('permission_denied');
    expect(denied.details.providerMessage).toMatch(/required scopes/);
  });

  it('maps a dead refresh token (HubSpot’s BAD_REFRESH_TOKEN) to grant_revoked', async () => {
    const oauth = (await hubspotClient({ accessToken: '', apiUrl: ctx.apiUrl, meta: {} })).oauth.tokensApi;
    const dead = () =>
      oauth.create(
        'refresh_token',
        undefined,
        undefined,
        emulator.clientId,
        emulator.clientSecret,
        'rt_dead',
      );
    expect((await classifiedFailure(hubspot, dead)).code).toBe('grant_revoked');
  });

  it('revokes by DELETE of the refresh token: it is refused from then on; the access token lives out its 30 minutes', async () => {
    await hubspot.revoke!({
      tokens: { accessToken: ctx.accessToken, refreshToken },
      revokeUrl: emulator.env.HUBSPOT_REVOKE_URL ?? '',
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    });
    expect(emulator.revocations).toContain(refreshToken);
    const refresh = await postToTokenEndpoint(emulator, hubspot, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(await refresh.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
    await expect(hubspot.testCall(ctx)).resolves.toBe('Read 1 deal');
    await connect();
  });

  it('refuses a revocation sent as POST: only DELETE deletes a refresh token', async () => {
    const res = await fetch(`${emulator.env.HUBSPOT_REVOKE_URL}/${encodeURIComponent(refreshToken)}`, {
      method: 'POST',
    });
    expect(res.status).toBe(405);
    expect(emulator.liveRefreshTokens()).toContain(refreshToken);
  });
});
