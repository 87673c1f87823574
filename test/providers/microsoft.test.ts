/**
 * Microsoft provider against its emulator: the real Graph client over https (self-signed certificate
 * trusted through `trustGraphCertificates`), tokens from the OAuth dance (PKCE S256, client credentials
 * in the form body). Fault mapping, an unreachable Graph and the revoked grant's 401 are in
 * contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustGraphCertificates } from '../../src/providers/microsoft/client.js';
import { microsoft } from '../../src/providers/microsoft/index.js';
import { refreshParams } from '../../src/providers/oauth/token-endpoint.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure } from '../emulators/failures.js';
import { type MicrosoftEmulator, startMicrosoftEmulator } from '../emulators/microsoft.js';
import { apiContextFrom, connectThroughOAuth, postToTokenEndpoint } from '../emulators/oauth-dance.js';

let emulator: MicrosoftEmulator;
let ctx: ProviderApiContext;

async function connect(): Promise<{ ctx: ProviderApiContext; refreshToken: string }> {
  const tokens = await connectThroughOAuth(emulator, microsoft);
  return { ctx: apiContextFrom(emulator, microsoft, tokens), refreshToken: String(tokens.refresh_token) };
}

/** A refresh as the engine sends it: with the consented scopes, which Microsoft requires. */
const refresh = (refreshToken: string) =>
  postToTokenEndpoint(emulator, microsoft, refreshParams(microsoft, refreshToken));

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
    const first = (await (await refresh(refreshToken)).json()) as { refresh_token: string };
    expect(first.refresh_token).not.toBe(refreshToken);
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it('a refresh without `scope` is refused (AADSTS900144), as v2 documents it as required', async () => {
    const { refreshToken } = await connect();
    const res = await postToTokenEndpoint(emulator, microsoft, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: /^AADSTS900144:/ });
  });

  it('a typo in a scope (Mail.Sned) is refused at authorize, back at the app with AADSTS-style invalid_scope', async () => {
    const typo = { ...microsoft, oauth: { ...microsoft.oauth, scopes: ['offline_access', 'Mail.Sned'] } };
    await expect(connectThroughOAuth(emulator, typo)).rejects.toThrow(
      /invalid_scope: AADSTS70011: .*Mail\.Sned/,
    );
  });

  it('without offline_access there is no refresh token', async () => {
    const online = { ...microsoft, oauth: { ...microsoft.oauth, scopes: ['User.Read'] } };
    const tokens = await connectThroughOAuth(emulator, online);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('https://graph.microsoft.com/user.read openid profile email');
  });

  it('a revoked grant makes calls fail as token_expired, and its refresh as grant_revoked', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await classifiedFailure(microsoft, () => microsoft.testCall(own.ctx));
    expect(err).toMatchObject({ code: 'token_expired', details: { providerMessage: /token is expired/ } });
    const body = (await (await refresh(own.refreshToken)).json()) as {
      error: string;
      error_description: string;
    };
    expect(body).toMatchObject({ error: 'invalid_grant', error_description: /^AADSTS700082:/ });
  });
});
