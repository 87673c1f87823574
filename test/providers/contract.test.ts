/**
 * The provider contract: every registered provider, through its official SDK against its emulator, goes
 * through the same suite — connect by OAuth, identify, test call, the granted scopes compared the
 * provider's way, the OAuth engine's refresh and revocation, the provider's own error bodies mapped to
 * neutral codes, its own rate limit, an unreachable API, a grant the provider revoked — and the emulator
 * is shown to refuse what the real provider refuses. Provider files test only what is theirs (exact
 * labels and sentences, token-response shapes, quirks).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trustGraphCertificates } from '../../src/providers/microsoft/client.js';
import { missingScopes, reportedScopes } from '../../src/providers/oauth/scopes.js';
import {
  refreshParams,
  requestToken,
  revokeTokens,
  type TokenResponse,
  toTokenSet,
} from '../../src/providers/oauth/token-endpoint.js';
import { PROVIDER_IDS, PROVIDERS } from '../../src/providers/registry.js';
import type { ProviderApiContext, ProviderId } from '../../src/providers/types.js';
import { classifiedFailure, closedPortUrl } from '../emulators/failures.js';
import { startGongEmulator } from '../emulators/gong.js';
import { startGoogleEmulator } from '../emulators/google.js';
import { startHubSpotEmulator } from '../emulators/hubspot.js';
import { startMicrosoftEmulator } from '../emulators/microsoft.js';
import { startNotionEmulator } from '../emulators/notion.js';
import {
  apiContextFrom,
  authorizeAndConsent,
  connectThroughOAuth,
  endpointsOf,
  postToTokenEndpoint,
  tryAuthorize,
} from '../emulators/oauth-dance.js';
import { CODE_TTL_MS } from '../emulators/oauth-provider.js';
import type { ProviderEmulator } from '../emulators/provider-emulator.js';
import { DOCUMENTED_REFRESH_TOKEN_DAYS, DOCUMENTED_ROTATION } from '../emulators/providers.js';
import { startSalesforceEmulator } from '../emulators/salesforce.js';
import { startZoomEmulator } from '../emulators/zoom.js';

/** Each provider's emulator. A newly registered provider needs a line here, or its suite fails. */
const EMULATORS: Partial<Record<ProviderId, () => Promise<ProviderEmulator>>> = {
  hubspot: startHubSpotEmulator,
  salesforce: startSalesforceEmulator,
  notion: startNotionEmulator,
  google: startGoogleEmulator,
  microsoft: startTrustedMicrosoftEmulator,
  gong: startGongEmulator,
  zoom: startZoomEmulator,
};

/** Graph is served over HTTPS with a certificate made at start: the Graph client trusts it until close. */
async function startTrustedMicrosoftEmulator(): Promise<ProviderEmulator> {
  const emulator = await startMicrosoftEmulator();
  trustGraphCertificates(emulator.graphCa);
  const close = emulator.close;
  return Object.assign(emulator, {
    async close() {
      trustGraphCertificates(undefined);
      await close();
    },
  });
}

/** Token endpoints that take client credentials either way (Google documents body and Basic). */
const EITHER_CLIENT_AUTH: ProviderId[] = ['google'];

/** Salesforce's limit is a daily allowance answered 403 REQUEST_LIMIT_EXCEEDED, without Retry-After. */
const NO_RETRY_AFTER: ProviderId[] = ['salesforce'];

/** A token response as the engine reads it (the dance returns it untyped). */
const asTokenResponse = (raw: unknown) => raw as TokenResponse;

it('has an emulator for every registered provider, and none for an unregistered one', () => {
  expect(Object.keys(EMULATORS).sort()).toEqual([...PROVIDER_IDS].sort());
});

describe.each(PROVIDERS.map((def) => [def.id, def] as const))('%s provider contract', (id, def) => {
  let emulator: ProviderEmulator;
  let ctx: ProviderApiContext;
  let tokens: TokenResponse;
  const refreshes = (refreshToken: string) =>
    requestToken(def, endpointsOf(emulator, def), refreshParams(def, refreshToken));

  beforeAll(async () => {
    const start = EMULATORS[def.id];
    if (!start) throw new Error(`${id} is registered but has no emulator in the provider contract table`);
    emulator = await start();
    tokens = asTokenResponse(await connectThroughOAuth(emulator, def));
    ctx = apiContextFrom(emulator, def, tokens);
  });
  afterAll(() => emulator?.close());
  // Each test starts a fresh rate-limit window, as if a moment had passed: the limits are real (Gong
  // allows 3 calls a second) and tested on their own below, not a hazard of how tests are packed.
  beforeEach(() => emulator?.setRateLimit(undefined));

  it('identifies the connected account with an id and a label', async () => {
    const identity = await def.identify(ctx);
    expect(identity.accountId).toEqual(expect.any(String));
    expect(identity.accountId).not.toBe('');
    expect(identity.label).toEqual(expect.any(String));
    expect(identity.label.trim()).not.toBe('');
  });

  it('test call says what it saw in a sentence', async () => {
    const sentence = await def.testCall(ctx);
    expect(sentence).toEqual(expect.any(String));
    expect(sentence.trim()).not.toBe('');
  });

  it('the grant as the provider reports it, in its own words, counts as complete', async () => {
    const reported = reportedScopes(tokens) ?? (await def.identify(ctx)).grantedScopes;
    if (def.oauth.scopes.length === 0) {
      expect(reported ?? []).toEqual([]);
      return;
    }
    expect(reported, `${id} reports no grant: Thread could not tell a narrowed one`).toBeDefined();
    expect(missingScopes(def.oauth, reported!)).toEqual([]);
  });

  it.skipIf(def.oauth.scopes.length === 0)(
    'a grant missing one scope is reported missing, by the name Thread asked for',
    async () => {
      const listed = def.oauth.scopes.filter((s) => !def.oauth.scopeRules.unlisted?.includes(s));
      const dropped = listed.at(-1)!;
      emulator.grantScopes(def.oauth.scopes.filter((s) => s !== dropped));
      const narrow = await connectThroughOAuth(emulator, def);
      const reported =
        reportedScopes(narrow) ?? (await def.identify(apiContextFrom(emulator, def, narrow))).grantedScopes;
      expect(missingScopes(def.oauth, reported ?? [])).toEqual([dropped]);
    },
  );

  it('the OAuth engine refreshes the grant the provider’s way; the new access token works', async () => {
    const before = toTokenSet(tokens);
    const next = toTokenSet(await refreshes(before.refreshToken!), before);
    expect(next.accessToken).not.toBe(before.accessToken);
    const rotation = DOCUMENTED_ROTATION[def.id];
    expect(rotation, `${id}: say in DOCUMENTED_ROTATION what its refresh does`).toBeDefined();
    if (rotation === 'kept') {
      expect(next.refreshToken).toBe(before.refreshToken);
      await expect(refreshes(before.refreshToken!)).resolves.toMatchObject({
        access_token: expect.any(String),
      });
    } else {
      expect(next.refreshToken).toEqual(expect.any(String));
      expect(next.refreshToken).not.toBe(before.refreshToken);
      const old = refreshes(before.refreshToken!);
      if (rotation === 'rotated') {
        await expect(old).rejects.toMatchObject({
          details: { status: expect.toSatisfy((s: number) => s === 400 || s === 401) },
        });
      } else {
        await expect(old).resolves.toMatchObject({ access_token: expect.any(String) });
      }
    }
    // The newest pair is the one that works: keep using it.
    const latest = toTokenSet(await refreshes(next.refreshToken!), next);
    tokens = { access_token: latest.accessToken, refresh_token: latest.refreshToken };
    ctx = { ...ctx, accessToken: latest.accessToken };
    await expect(def.testCall(ctx)).resolves.toEqual(expect.any(String));
  });

  it('the OAuth engine revokes the grant where the provider can: its refresh token is refused after', async () => {
    const own = toTokenSet(asTokenResponse(await connectThroughOAuth(emulator, def)));
    const accepted = emulator.revocations.length;
    const revoked = await revokeTokens(def, endpointsOf(emulator, def), own);
    expect(revoked).toBe(def.oauth.revokeUrl !== undefined);
    if (!revoked) return;
    expect(emulator.revocations.length).toBe(accepted + 1);
    await expect(refreshes(own.refreshToken!)).rejects.toMatchObject({ details: { status: 400 } });
  });

  it.each([
    [403, undefined, 'permission_denied'],
    [429, 7, 'rate_limited'],
    [500, undefined, 'temporary'],
  ] as const)(
    'HTTP %i in the provider’s error shape → %s, keeping its message',
    async (status, retryAfter, code) => {
      const message = `emulated ${status} from ${id}`;
      emulator.failNext('api', emulator.fault(status, { retryAfter, message }));
      const err = await classifiedFailure(def, () => def.testCall(ctx));
      expect(err).toMatchObject({ code, details: { status, providerMessage: message } });
      if (retryAfter !== undefined) expect(err.details.retryAfterSeconds).toBe(retryAfter);
    },
  );

  it('rate-limits by itself at its documented rate, answering the provider’s way', async () => {
    const documented = emulator.rateLimit;
    expect(documented.limit).toBeGreaterThan(0);
    emulator.setRateLimit({ limit: 1, windowMs: 60_000 });
    try {
      await def.testCall(ctx);
      const err = await classifiedFailure(def, () => def.testCall(ctx));
      expect(err.code).toBe('rate_limited');
      if (NO_RETRY_AFTER.includes(def.id)) expect(err.details.retryAfterSeconds).toBeUndefined();
      else expect(err.details.retryAfterSeconds).toSatisfy((s: number) => s > 0 && s <= 60);
    } finally {
      emulator.setRateLimit(undefined);
    }
    expect(emulator.rateLimit).toEqual(documented);
  });

  it('an unreachable API is temporary', async () => {
    const dead = { ...ctx, apiUrl: await closedPortUrl(ctx.apiUrl) };
    expect((await classifiedFailure(def, () => def.testCall(dead))).code).toBe('temporary');
  });

  describe('refuses what the real provider refuses', () => {
    it('an unregistered redirect_uri: the provider’s own error page, never a redirect', async () => {
      const res = await tryAuthorize(emulator, def, { redirect_uri: 'http://127.0.0.1/elsewhere' });
      expect(res).toEqual({ error: 'redirect_uri_mismatch', redirected: false });
    });

    it('a response_type other than code', async () => {
      expect((await tryAuthorize(emulator, def, { response_type: 'token' })).error).toBe(
        'unsupported_response_type',
      );
    });

    it.skipIf(def.oauth.scopes.length === 0)('a scope the provider does not know (a typo)', async () => {
      const typo = [...def.oauth.scopes, 'Mail.Sned'].join(def.oauth.scopeSeparator);
      expect((await tryAuthorize(emulator, def, { scope: typo })).error).toBe('invalid_scope');
    });

    it('a code used twice: the second exchange fails and what the first issued is revoked', async () => {
      const { params } = await authorizeAndConsent(emulator, def);
      const first = asTokenResponse(await (await postToTokenEndpoint(emulator, def, params)).json());
      expect(emulator.tokenInfo(first.access_token)).toBeDefined();
      expect((await postToTokenEndpoint(emulator, def, params)).ok).toBe(false);
      expect(emulator.tokenInfo(first.access_token)).toBeUndefined();
    });

    const days = DOCUMENTED_REFRESH_TOKEN_DAYS[def.id];
    it.skipIf(!days)(`a refresh token unused for longer than its documented ${days} days`, async () => {
      const { refresh_token } = asTokenResponse(await connectThroughOAuth(emulator, def));
      const later = (days! + 1) * 86_400_000;
      emulator.advanceClock(later);
      try {
        await expect(refreshes(refresh_token!)).rejects.toMatchObject({ details: { status: 400 } });
      } finally {
        emulator.advanceClock(-later);
      }
    });

    it('a code older than 10 minutes', async () => {
      const { params } = await authorizeAndConsent(emulator, def);
      emulator.advanceClock(CODE_TTL_MS + 1000);
      try {
        expect((await postToTokenEndpoint(emulator, def, params)).ok).toBe(false);
      } finally {
        emulator.advanceClock(-(CODE_TTL_MS + 1000));
      }
    });

    it('an exchange whose redirect_uri differs from the authorize request’s', async () => {
      const { params } = await authorizeAndConsent(emulator, def);
      const res = await postToTokenEndpoint(emulator, def, {
        ...params,
        redirect_uri: 'http://127.0.0.1/other',
      });
      expect(res.ok).toBe(false);
    });

    it.skipIf(!def.oauth.pkce)('an exchange with the wrong PKCE verifier, or none', async () => {
      for (const verifier of ['x'.repeat(43), undefined]) {
        const { params } = await authorizeAndConsent(emulator, def);
        const { code_verifier: _, ...rest } = params;
        const res = await postToTokenEndpoint(
          emulator,
          def,
          verifier ? { ...rest, code_verifier: verifier } : rest,
        );
        expect(res.ok).toBe(false);
      }
    });

    it('a token request in the other body encoding (JSON to a form endpoint, or form to a JSON one)', async () => {
      const { params } = await authorizeAndConsent(emulator, def);
      const other = def.oauth.tokenBody === 'form' ? 'json' : 'form';
      const res = await postToTokenEndpoint(emulator, def, params, { encoding: other });
      expect(res.status).toBeGreaterThanOrEqual(400);
      // The code was not spent by the refused request: the right encoding still works.
      expect((await postToTokenEndpoint(emulator, def, params)).ok).toBe(true);
    });

    it.skipIf(EITHER_CLIENT_AUTH.includes(def.id))('client credentials sent the other way', async () => {
      const { params } = await authorizeAndConsent(emulator, def);
      const other = def.oauth.clientAuth === 'body' ? 'basic' : 'body';
      const res = await postToTokenEndpoint(emulator, def, params, { clientAuth: other });
      expect(res.status).toBeGreaterThanOrEqual(400);
    });
  });

  // Last: it ends every grant this emulator issued.
  it('a grant the provider revoked makes calls fail as token_expired (401)', async () => {
    emulator.revokeAllGrants();
    const err = await classifiedFailure(def, () => def.testCall(ctx));
    expect(err).toMatchObject({ code: 'token_expired', details: { status: 401 } });
  });
});
