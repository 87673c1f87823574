/**
 * Helpers for the failure half of provider tests: run a call that must fail and see how the provider
 * classified it, and an address where nothing listens (the "provider unreachable" case).
 */
import { createServer } from 'node:net';
import type { ProviderDefinition, ProviderError } from '../../src/providers/types.js';

export async function classifiedFailure(
  provider: ProviderDefinition,
  call: () => Promise<unknown>,
): Promise<ProviderError> {
  try {
    await call();
  } catch (err) {
    return provider.classifyError(err);
  }
  throw new Error(`${provider.id}: expected the call to fail, it succeeded`);
}

/**
 * http://127.0.0.1:<port> of a port that was just free: connecting to it is refused. Given `like` (an API
 * base), the same URL — scheme and path kept — with its host and port swapped for that dead address.
 */
export async function closedPortUrl(like?: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  if (like === undefined) return `http://127.0.0.1:${port}`;
  const url = new URL(like);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}
