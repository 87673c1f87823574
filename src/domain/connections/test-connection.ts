/** "Test": the provider's cheap read through its SDK, timed, with the outcome in plain words. */
import type { Services } from '../../app/services.js';
import { providerWords } from '../../providers/errors.js';
import { getProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import { activeConnection } from './find.js';
import { addLog } from './logs.js';
import { withProvider } from './tokens.js';
import { TROUBLESHOOTING } from './troubleshooting.js';

export type TestResult =
  | { ok: true; ms: number; summary: string }
  | { ok: false; title: string; fix: string; detail?: string }
  | { ok: false; notConnected: true };

export async function testConnection(
  services: Services,
  teamId: string,
  provider: string,
): Promise<TestResult> {
  const def = getProviderDefinition(provider);
  const connection = await activeConnection(services.db, teamId, provider);
  if (!connection) return { ok: false, notConnected: true };
  const started = performance.now();
  try {
    const summary = await withProvider(services, connection, (ctx) => def.testCall(ctx), 'test_failed');
    const ms = performance.now() - started;
    await addLog(services, {
      teamId,
      provider,
      connectionId: connection.id,
      level: 'info',
      event: 'test',
      message: `Test passed in ${Math.round(ms)} ms: ${summary}`,
    });
    return { ok: true, ms, summary };
  } catch (err) {
    const error = err instanceof ProviderError ? err : def.classifyError(err);
    const trouble = TROUBLESHOOTING[error.code];
    return { ok: false, title: trouble.title, fix: trouble.fix, detail: providerWords(error) };
  }
}
