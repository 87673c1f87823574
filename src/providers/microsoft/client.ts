/**
 * The official Graph client, pointed at `ctx.apiUrl`. Two quirks shape this file:
 * - the client attaches the bearer token only to https URLs of graph.microsoft.com or `customHosts`, so a
 *   non-default API URL (a national cloud, the test emulator) is registered as a custom host;
 * - its default middleware retries 429/5xx itself (honouring Retry-After, up to 3 times): we build the
 *   chain without RetryHandler so throttling reaches the job queue, which owns retries.
 */
import { rootCertificates } from 'node:tls';
import type { Client, FetchOptions } from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import type { ProviderApiContext } from '../types.js';

let trusted: string | undefined;
let dispatcher: Agent | undefined;

/**
 * Trust extra CA certificates (PEM) for Graph requests, on top of Node's bundled roots: for a
 * TLS-inspecting corporate proxy in production, or the emulator's self-signed certificate in tests.
 * `NODE_EXTRA_CA_CERTS` does the same but only at process start. Pass undefined to go back to defaults.
 */
export function trustGraphCertificates(pem: string | undefined): void {
  void dispatcher?.close();
  dispatcher = undefined;
  trusted = pem;
}

/** The dispatcher for the trusted certificates, made on first use (undici loads only when needed). */
async function trustedDispatcher(): Promise<Agent | undefined> {
  if (!trusted || dispatcher) return dispatcher;
  const { Agent } = await import('undici');
  dispatcher = new Agent({ connect: { ca: [...rootCertificates, trusted] } });
  return dispatcher;
}

// The SDK is loaded on first use: Thread starts and idles without it.
export async function graphClient(ctx: ProviderApiContext): Promise<Client> {
  const { AuthenticationHandler, Client, HTTPMessageHandler } = await import(
    '@microsoft/microsoft-graph-client'
  );
  const base = new URL(ctx.apiUrl);
  const dispatcher = await trustedDispatcher();
  return Client.initWithMiddleware({
    baseUrl: base.toString(),
    defaultVersion: 'v1.0',
    customHosts: base.hostname === 'graph.microsoft.com' ? undefined : new Set([base.hostname]),
    middleware: [
      new AuthenticationHandler({ getAccessToken: async () => ctx.accessToken }),
      new HTTPMessageHandler(),
    ],
    // The Graph client hands fetchOptions to Node's fetch, which takes an undici `dispatcher`. The cast:
    // Node's RequestInit types it with its bundled undici's types, another version of the same interface.
    ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}),
  });
}
