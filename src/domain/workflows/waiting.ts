/**
 * Runs that wait for a person: a step whose provider connection needs someone (a revoked grant, a missing
 * permission, disconnected) records the run as waiting for that provider instead of burning its retries
 * and ending Failed. Fixing the connection resumes every run waiting for it — at once from the reconnect
 * or recovery itself, or from the sweep if that moment was missed (a crash).
 */
import { sql } from 'kysely';
import type { AccountSource, Connection } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { type ProviderApiContext, ProviderError } from '../../providers/types.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { TROUBLESHOOTING } from '../connections/troubleshooting.js';
import { WaitForConnection } from './runs.js';

/** The queue that advances runs (the handoff's steps; the only kind of run so far). */
export const RUN_STEP_JOB = 'handoff-step';
/** The queue of write-backs outside runs (write-back.ts), sent again here when their connection is back. */
export const ACCOUNT_WRITE_BACK_JOB = 'account-write-back';

/**
 * `fn` with a live token for the team's connection to `provider`, for a workflow step: a connection that
 * is missing, or fails in a way only a person can fix, makes the run wait; anything else (rate limits,
 * outages) is thrown for the job's retries.
 */
export async function withStepConnection<T>(
  services: Services,
  teamId: string,
  provider: string,
  fn: (ctx: ProviderApiContext, connection: Connection) => Promise<T>,
): Promise<T> {
  const name = findProviderDefinition(provider)?.name ?? provider;
  const connection = await activeConnection(services.db, teamId, provider);
  if (!connection) {
    throw new WaitForConnection(
      provider,
      `Waiting for ${name}: it is not connected. Connect it from App Home.`,
    );
  }
  try {
    return await withProvider(services, connection, (ctx) => fn(ctx, connection));
  } catch (err) {
    if (err instanceof ProviderError && TROUBLESHOOTING[err.code].effect === 'error') {
      const trouble = TROUBLESHOOTING[err.code];
      throw new WaitForConnection(provider, `Waiting for ${name}: ${trouble.title}. ${trouble.fix}`);
    }
    throw err;
  }
}

/** The connection to `provider` works again: every run of the team waiting for it goes on. */
export async function resumeRunsWaitingFor(
  services: Services,
  teamId: string,
  provider: string,
): Promise<number> {
  const rows = await services.db
    .updateTable('workflow_runs')
    .set({ waiting_for: null, reason: null, updated_at: sql`now()` })
    .where('team_id', '=', teamId)
    .where('waiting_for', '=', provider)
    .where('status', '=', 'running')
    .returning('id')
    .execute();
  // A send that fails leaves the run running and unclaimed: the sweep hands it back to its job.
  for (const { id } of rows) await services.jobs.send(RUN_STEP_JOB, { runId: id });
  if (rows.length)
    services.logger.info({ team: teamId, provider, runs: rows.length }, 'waiting runs resumed');
  // Write-backs outside runs (milestones) that found the connection broken go again too.
  const accounts = await services.db
    .selectFrom('accounts')
    .select('id')
    .where('team_id', '=', teamId)
    .where('source', '=', provider as AccountSource)
    .where('crm_write_problem', 'is not', null)
    .execute();
  if (accounts.length) {
    await services.jobs.sendMany(
      ACCOUNT_WRITE_BACK_JOB,
      accounts.map((a) => ({ data: { teamId, accountId: a.id } })),
    );
  }
  return rows.length;
}

/** Waiting runs whose connection is connected again (its recovery was missed): for the sweep. */
export async function runsReadyToResume(services: Services): Promise<{ teamId: string; provider: string }[]> {
  return services.db
    .selectFrom('workflow_runs as r')
    .innerJoin('connections as c', (j) =>
      j.onRef('c.team_id', '=', 'r.team_id').onRef('c.provider', '=', 'r.waiting_for'),
    )
    .select(['r.team_id as teamId', 'c.provider as provider'])
    .where('r.status', '=', 'running')
    .where('c.status', '=', 'connected')
    .distinct()
    .execute();
}
