/**
 * All seven provider emulators at once, with the merged `<P>_*` environment that points Thread at them,
 * and every secret they issued (for "no token in any log line or column" scans).
 */
import { trustGraphCertificates } from '../../src/providers/microsoft/client.js';
import { startGongEmulator } from './gong.js';
import { startGoogleEmulator } from './google.js';
import { startHubSpotEmulator } from './hubspot.js';
import { startMicrosoftEmulator } from './microsoft.js';
import { startNotionEmulator } from './notion.js';
import type { ProviderEmulator } from './provider-emulator.js';
import { startSalesforceEmulator } from './salesforce.js';
import { startZoomEmulator } from './zoom.js';

/**
 * What a refresh does to the refresh token, as each provider documents it (sources in its emulator):
 * kept (Google and Salesforce send none back, HubSpot the same one), rotated (the old one dies), or
 * rotated with the old one still valid (Microsoft). Tests assert against this, not the emulators' own
 * settings, so an emulator drifting from its provider fails them.
 */
export const DOCUMENTED_ROTATION: Record<string, 'kept' | 'rotated' | 'rotated, old still valid'> = {
  hubspot: 'kept',
  salesforce: 'kept',
  notion: 'rotated',
  google: 'kept',
  microsoft: 'rotated, old still valid',
  gong: 'rotated',
  zoom: 'rotated',
};

/**
 * Days a refresh token lives unused, where the provider documents a limit (sources in the emulators);
 * the others keep it until it is revoked.
 */
export const DOCUMENTED_REFRESH_TOKEN_DAYS: Record<string, number> = {
  google: 183,
  microsoft: 90,
  zoom: 90,
};

export interface ProviderEmulators {
  byId: Record<string, ProviderEmulator>;
  env: Record<string, string>;
  issued(): string[];
  close(): Promise<void>;
}

export async function startProviderEmulators(): Promise<ProviderEmulators> {
  const [hubspot, salesforce, notion, google, microsoft, gong, zoom] = await Promise.all([
    startHubSpotEmulator(),
    startSalesforceEmulator(),
    startNotionEmulator(),
    startGoogleEmulator(),
    startMicrosoftEmulator(),
    startGongEmulator(),
    startZoomEmulator(),
  ]);
  // Graph is served over HTTPS with a certificate made at start; the Graph client must trust it.
  trustGraphCertificates(microsoft.graphCa);
  const byId = { hubspot, salesforce, notion, google, microsoft, gong, zoom } as ProviderEmulators['byId'];
  return {
    byId,
    env: Object.assign({}, ...Object.values(byId).map((e) => e.env)),
    issued: () => Object.values(byId).flatMap((e) => [...e.issued]),
    close: async () => {
      await Promise.all(Object.values(byId).map((e) => e.close()));
    },
  };
}
