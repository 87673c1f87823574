/**
 * Workflow runs and their steps. A run is started once per idempotency key; its steps are done in order
 * by a job, each recorded on the run (name, status, attempts, error, finished_at). A step that succeeded
 * is skipped when the job runs again (a retry, a redelivery); a step that fails is retried by the job
 * queue with backoff, and when the queue's retries are used up the run ends Failed with a plain reason.
 */
import { type Kysely, sql } from 'kysely';
import type { DB, WorkflowRunStatus } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { ProviderError } from '../../providers/types.js';
import { TROUBLESHOOTING } from '../connections/troubleshooting.js';
import { claimable, claimBy } from '../recovery/claims.js';

/** `waiting`: the step needs a person to fix a connection first; it has not spent a retry. */
export type StepStatus = 'done' | 'failed' | 'waiting';

export interface StepRecord {
  name: string;
  status: StepStatus;
  attempts: number;
  error: string | null;
  finished_at: string | null;
}

export interface Run<C> {
  id: string;
  teamId: string;
  externalId: string;
  status: WorkflowRunStatus;
  steps: StepRecord[];
  context: C;
}

export interface Step<C> {
  name: string;
  /** Returns what later steps need, merged into the run's context. */
  run(run: Run<C>): Promise<Partial<C>>;
}

export type RunOutcome =
  | { outcome: 'completed' | 'already finished' | 'gone' }
  | { outcome: 'busy' }
  | { outcome: 'failed'; step: string; reason: string }
  /** The step's connection needs a person: the run waits (no retries spent) until it is fixed. */
  | { outcome: 'waiting'; step: string; provider: string; reason: string }
  /** A step failed (or another job holds the run): the job throws, so the queue retries with backoff. */
  | { outcome: 'retrying'; step: string; reason: string };

/** Error text shown to people: ours as written, a provider's as the troubleshooting table words it. */
export function plainReason(err: unknown): string {
  if (err instanceof ProviderError) {
    // The dashboard's words for it, without "— retrying": a reason outlives the retries.
    const words = TROUBLESHOOTING[err.code].title.replace(/ — retrying$/, '');
    return err.details.status ? `${words} (HTTP ${err.details.status})` : words;
  }
  if (err instanceof StepFailure) return err.message;
  return 'an unexpected error on our side';
}

/** A failure whose message is already in plain words for people. */
export class StepFailure extends Error {}

/**
 * A failure no retry can fix until someone changes a setting in the provider (a Salesforce field to add,
 * a Notion property to create): the run ends Failed at once with the fix in its reason, and is retried
 * from App Home once it is done.
 */
export class StepNeedsSetup extends StepFailure {}

/**
 * The step cannot go on until someone fixes the team's connection to `provider` (reconnect, grant a
 * permission): retrying on a timer cannot help and would end the run Failed while it waits. The run
 * waits instead, and a reconnect resumes it (see waiting.ts).
 */
export class WaitForConnection extends Error {
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(message);
  }
}

/** Longer than a run's steps can take (the job expires before): a crashed job's claim runs out. */
const CLAIM_SECONDS = 5 * 60;

/**
 * Does the run's steps that have not succeeded yet, in order. The job claims the run first, so a second
 * job for it (the queue delivers at least once) finds it busy; every step is also idempotent on its own,
 * so a crash between a step's effect and its record redoes nothing visible. `jobId`: the job doing it —
 * its next attempt (the same job handed back after its process died) takes over the claim at once.
 */
export async function advanceRun<C extends object>(
  db: Kysely<DB>,
  runId: string,
  steps: readonly Step<C>[],
  options: { lastTry: boolean; jobId?: string },
): Promise<RunOutcome> {
  const jobId = options.jobId ?? null;
  const row = await db
    .updateTable('workflow_runs')
    .set(claimBy(jobId, CLAIM_SECONDS))
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where(claimable(jobId))
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const other = await db
      .selectFrom('workflow_runs')
      .select('status')
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!other) return { outcome: 'gone' };
    return other.status === 'running' ? { outcome: 'busy' } : { outcome: 'already finished' };
  }
  const run: Run<C> = {
    id: row.id,
    teamId: row.team_id,
    externalId: row.external_id,
    status: row.status,
    steps: row.steps as StepRecord[],
    context: row.context as C,
  };
  for (const step of steps) {
    const previous = run.steps.find((s) => s.name === step.name);
    if (previous?.status === 'done') continue;
    const attempts = (previous?.attempts ?? 0) + 1;
    try {
      Object.assign(run.context, await step.run(run));
      record(run, {
        name: step.name,
        status: 'done',
        attempts,
        error: null,
        finished_at: new Date().toISOString(),
      });
      await save(db, run);
    } catch (err) {
      if (err instanceof WaitForConnection) {
        record(run, {
          name: step.name,
          status: 'waiting',
          attempts: previous?.attempts ?? 0,
          error: err.message,
          finished_at: null,
        });
        await save(db, run, { release: true, reason: err.message, waitingFor: err.provider });
        return { outcome: 'waiting', step: step.name, provider: err.provider, reason: err.message };
      }
      const reason = plainReason(err);
      const final = options.lastTry || err instanceof StepNeedsSetup;
      record(run, { name: step.name, status: 'failed', attempts, error: reason, finished_at: null });
      if (final) run.status = 'failed';
      await save(db, run, { release: true, reason: final ? `${step.name}: ${reason}` : null });
      return final
        ? { outcome: 'failed', step: step.name, reason }
        : { outcome: 'retrying', step: step.name, reason };
    }
  }
  run.status = 'completed';
  await save(db, run, { release: true });
  return { outcome: 'completed' };
}

function record(run: Run<object>, step: StepRecord): void {
  const i = run.steps.findIndex((s) => s.name === step.name);
  if (i === -1) run.steps.push(step);
  else run.steps[i] = step;
}

async function save(
  db: Kysely<DB>,
  run: Run<object>,
  o: { release?: boolean; reason?: string | null; waitingFor?: string } = {},
): Promise<void> {
  const accountId = (run.context as { accountId?: string }).accountId ?? null;
  await db
    .updateTable('workflow_runs')
    .set({
      status: run.status,
      steps: JSON.stringify(run.steps),
      context: JSON.stringify(run.context),
      account_id: accountId,
      reason: o.reason ?? null,
      waiting_for: o.waitingFor ?? null,
      ...(o.release ? { claimed_until: null, claimed_by: null } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', run.id)
    .execute();
}

export type RetryOutcome = 'retrying' | 'running' | 'completed' | 'not found';

/**
 * A person's Retry on a failed run (App Home): the failed step's record is cleared (its attempts start
 * over), the steps that succeeded are kept — so they are never redone — and the run's job is sent again.
 * A run that is running (its job is still retrying) or completed is left alone and the answer says so.
 */
export async function retryRun(
  services: Pick<Services, 'db' | 'jobs'>,
  teamId: string,
  runId: string,
  jobName: string,
): Promise<RetryOutcome> {
  const before = await services.db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('workflow_runs')
      .select(['status', 'steps', 'reason'])
      .where('id', '=', runId)
      .where('team_id', '=', teamId)
      .forUpdate()
      .executeTakeFirst();
    if (run?.status !== 'failed') return run;
    const kept = (run.steps as StepRecord[]).filter((s) => s.status === 'done');
    await trx
      .updateTable('workflow_runs')
      .set({
        status: 'running',
        steps: JSON.stringify(kept),
        reason: null,
        claimed_until: null,
        claimed_by: null,
        updated_at: sql`now()`,
      })
      .where('id', '=', runId)
      .execute();
    return run;
  });
  if (!before) return 'not found';
  if (before.status !== 'failed') return before.status;
  try {
    await services.jobs.send(jobName, { runId });
  } catch (err) {
    // Without its job the run would say Running forever: it goes back to Failed, as it was.
    await services.db
      .updateTable('workflow_runs')
      .set({ status: 'failed', steps: JSON.stringify(before.steps), reason: before.reason })
      .where('id', '=', runId)
      .execute();
    throw err;
  }
  return 'retrying';
}

export interface RecentRun {
  id: string;
  source: string;
  externalId: string;
  accountName: string | null;
  status: WorkflowRunStatus;
  updatedAt: Date;
  steps: StepRecord[];
}

/** The team's latest runs, newest first, with their account's name when they got that far. */
export async function recentRuns(db: Kysely<DB>, teamId: string, limit: number): Promise<RecentRun[]> {
  const rows = await db
    .selectFrom('workflow_runs as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.id', 'r.source', 'r.external_id', 'a.name', 'r.status', 'r.updated_at', 'r.steps'])
    .where('r.team_id', '=', teamId)
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    externalId: r.external_id,
    accountName: r.name,
    status: r.status,
    updatedAt: r.updated_at,
    steps: r.steps as StepRecord[],
  }));
}
