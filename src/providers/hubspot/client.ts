/**
 * The official HubSpot SDK, built per call from a live token.
 *
 * Retries are off: our job engine owns retries and backoff. Note the SDK keeps its request decorators
 * (retry, rate limiter) in a process-wide singleton that every `new Client()` overwrites, so a client
 * built elsewhere with retries on would silently turn them on for ours too — build every HubSpot client
 * here.
 */
import type { Client } from '@hubspot/api-client';
import type { ProviderApiContext } from '../types.js';

// The SDK is loaded on first use (see providers/lazy.ts): Thread starts and idles without it.
export async function hubspotClient(ctx: ProviderApiContext): Promise<Client> {
  const { Client } = await import('@hubspot/api-client');
  return new Client({
    accessToken: ctx.accessToken,
    // The SDK joins basePath and '/crm/v3/…' as strings: a trailing slash would double up.
    basePath: ctx.apiUrl.replace(/\/+$/, ''),
    numberOfApiCallRetries: 0,
  });
}
