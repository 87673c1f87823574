/** "Test": the provider's cheap read through its SDK, timed, with the outcome in plain words. */
import type { Services } from '../../app/services.js';
import { providerWords } from '../../providers/errors.js';
import { getProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import { activeConnection } from './find.js';
import { addLog } from './logs.js';
import { withProvider } from './tokens.js';
import { STORAGE_TROUBLE, TROUBLESHOOTING } from './troubleshooting.js';

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
    // withProvider turns every failure of the provider call into a ProviderError; anything else came
    // from Thread's own side (database, vault) while getting the token, and must not be passed off as
    // the provider's words.
    if (!(err instanceof ProviderError)) {
      services.logger.error({ err, team: teamId, provider }, 'test: could not read or save the tokens');
      return { ok: false, ...STORAGE_TROUBLE };
    }
    const error = err;
    const trouble = TROUBLESHOOTING[error.code];
    return { ok: false, title: trouble.title, fix: trouble.fix, detail: providerWords(error) };
  }
}
