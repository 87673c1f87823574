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
import type { OAuthEmulator } from './oauth-provider.js';
import { startSalesforceEmulator } from './salesforce.js';
import { startZoomEmulator } from './zoom.js';

export interface ProviderEmulators {
  byId: Record<string, OAuthEmulator & { env: Record<string, string> }>;
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
