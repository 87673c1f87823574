/**
 * Google provider against its emulator: the real @googleapis/calendar + google-auth-library clients,
 * tokens from the OAuth dance (PKCE S256, client credentials in the form body). Fault mapping, an
 * unreachable API and the revoked grant's 401 are in contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { google } from '../../src/providers/google/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure } from '../emulators/failures.js';
import { type GoogleEmulator, startGoogleEmulator } from '../emulators/google.js';
import {
  apiContextFrom,
  authorizeAndConsent,
  connectThroughOAuth,
  postToTokenEndpoint,
} from '../emulators/oauth-dance.js';

let emulator: GoogleEmulator;
let ctx: ProviderApiContext;

/** Every connect gets Google-shaped tokens: a refresh token and a 3599-second access token. */
async function connect(): Promise<ProviderApiContext> {
  const tokens = await connectThroughOAuth(emulator, google);
  expect(tokens.refresh_token).toBeTruthy();
  expect(tokens.expires_in).toBe(3599);
  return apiContextFrom(emulator, google, tokens);
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

  it('reports the grant Google’s way: `email` expanded to …/userinfo.email, in its own order', async () => {
    const tokens = await connectThroughOAuth(emulator, google);
    expect(String(tokens.scope).split(' ').sort()).toEqual(
      [
        'openid',
        'https://www.googleapis.com/auth/userinfo.email',
        'https://www.googleapis.com/auth/calendar.events',
        'https://www.googleapis.com/auth/gmail.send',
      ].sort(),
    );
  });

  it('a refresh token only with access_type=offline, and after the first consent only with prompt=consent', async () => {
    const exchange = async (query: Record<string, string | null>) => {
      const { params } = await authorizeAndConsent(emulator, google, query);
      return (await (await postToTokenEndpoint(emulator, google, params)).json()) as Record<string, unknown>;
    };
    expect((await exchange({ access_type: null, prompt: null })).refresh_token).toBeUndefined();
    expect((await exchange({ prompt: null })).refresh_token).toBeUndefined(); // consented before
    expect((await exchange({})).refresh_token).toEqual(expect.any(String));
  });

  it('a revoked grant makes calls fail as token_expired, and its refresh as grant_revoked', async () => {
    const own = await connect();
    emulator.revokeAllGrants();
    const err = await classifiedFailure(google, () => google.testCall(own));
    expect(err.code).toBe('token_expired');
    expect(err.details.providerMessage).toMatch(/invalid authentication credentials/);
    const refresh = await postToTokenEndpoint(emulator, google, {
      grant_type: 'refresh_token',
      refresh_token: 'any',
    });
    expect(
      google.classifyError({ message: 'x', response: { status: refresh.status, data: await refresh.json() } })
        .code,
    ).toBe('grant_revoked');
  });
});
