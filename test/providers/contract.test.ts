/**
 * The provider contract: every registered provider, through its official SDK against its emulator, goes
 * through the same suite — connect by OAuth, identify, test call, the provider's own error bodies mapped
 * to neutral codes, an unreachable API, a grant the provider revoked. Provider files test only what is
 * theirs (exact labels and sentences, token-response shapes, quirks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustGraphCertificates } from '../../src/providers/microsoft/client.js';
import { PROVIDER_IDS, PROVIDERS } from '../../src/providers/registry.js';
import type { ProviderApiContext, ProviderId } from '../../src/providers/types.js';
import { classifiedFailure, closedPortUrl } from '../emulators/failures.js';
import { startGongEmulator } from '../emulators/gong.js';
import { startGoogleEmulator } from '../emulators/google.js';
import { startHubSpotEmulator } from '../emulators/hubspot.js';
import { startMicrosoftEmulator } from '../emulators/microsoft.js';
import { startNotionEmulator } from '../emulators/notion.js';
import { apiContextFrom, connectThroughOAuth } from '../emulators/oauth-dance.js';
import type { ProviderEmulator } from '../emulators/provider-emulator.js';
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

it('has an emulator for every registered provider, and none for an unregistered one', () => {
  expect(Object.keys(EMULATORS).sort()).toEqual([...PROVIDER_IDS].sort());
});

describe.each(PROVIDERS.map((def) => [def.id, def] as const))('%s provider contract', (id, def) => {
  let emulator: ProviderEmulator;
  let ctx: ProviderApiContext;

  beforeAll(async () => {
    const start = EMULATORS[def.id];
    if (!start) throw new Error(`${id} is registered but has no emulator in the provider contract table`);
    emulator = await start();
    ctx = apiContextFrom(emulator, def, await connectThroughOAuth(emulator, def));
  });
  afterAll(() => emulator?.close());

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

  it('an unreachable API is temporary', async () => {
    const dead = { ...ctx, apiUrl: await closedPortUrl(ctx.apiUrl) };
    expect((await classifiedFailure(def, () => def.testCall(dead))).code).toBe('temporary');
  });

  // Last: it ends every grant this emulator issued.
  it('a grant the provider revoked makes calls fail as token_expired (401)', async () => {
    emulator.revokeAllGrants();
    const err = await classifiedFailure(def, () => def.testCall(ctx));
    expect(err).toMatchObject({ code: 'token_expired', details: { status: 401 } });
  });
});
