/**
 * Writing an account's onboarding stage and CSM back to the CRM record it came from (the HubSpot deal,
 * the Salesforce opportunity, the Notion row). Used by the handoff's `write-back` step, and by anything
 * that changes an account's stage or CSM later (milestones, a reassignment).
 *
 * The write is one idempotent PATCH through the source's SDK, so a retried step writes the same values
 * again and doubles nothing. Fields the admin must add first (Salesforce custom fields, Notion
 * properties) fail the step with words saying exactly what to add; they do not put the connection in
 * Error, because the connection works.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { StepFailure, StepNeedsSetup, WaitForConnection } from './runs.js';
import { workflowSettings, writeBackOptions } from './settings.js';
import { ACCOUNT_WRITE_BACK_JOB, withStepConnection } from './waiting.js';

export { ACCOUNT_WRITE_BACK_JOB };

export type WriteBackOutcome = 'written' | 'source has no write-back';

export async function writeBackAccount(
  services: Services,
  teamId: string,
  accountId: string,
): Promise<WriteBackOutcome> {
  const account = await services.db
    .selectFrom('accounts')
    .select(['source', 'external_id', 'stage', 'csm_user_id'])
    .where('team_id', '=', teamId)
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) throw new StepFailure('the account was deleted before it was written back');
  const def = findProviderDefinition(account.source);
  if (!def?.writeBack) return 'source has no write-back';
  const options = writeBackOptions(await workflowSettings(services.db, teamId));
  const values = {
    onboardingStage: account.stage,
    csm: account.csm_user_id ? await csmAsCrmKnowsThem(services, teamId, account.csm_user_id) : null,
    progress: await progressInWords(services, accountId),
  };
  const writeBack = def.writeBack;
  // Disconnected, or broken in a way only a person can fix: the run waits for the reconnect.
  const result = await withStepConnection(services, teamId, def.id, (ctx) =>
    writeBack.write(ctx, account.external_id, values, options),
  );
  if (!result.written) throw new StepNeedsSetup(result.fix);
  // Set after the write: a CRM change that happened before it is no longer the CRM's state (follow-crm).
  await services.db
    .updateTable('accounts')
    .set({ crm_written_at: sql`now()` })
    .where('id', '=', accountId)
    .execute();
  return 'written';
}

export interface AccountWriteBackJob {
  teamId: string;
  accountId: string;
}

/**
 * A write-back outside a handoff run (a milestone made the account live, a reassignment), as a job: what
 * only a person can fix (the CRM disconnected, fields to add) is recorded on the account in words and
 * shown there, and the write is sent again when the connection is back (`resumeRunsWaitingFor`); other
 * errors (429, outages) are thrown for the job's retries. The job reads the account when it runs, and one
 * account's writes take turns (an advisory lock), so the last write carries the latest state.
 */
export async function writeBackChange(services: Services, job: AccountWriteBackJob): Promise<string> {
  const lock = `account-write-back:${job.accountId}`;
  return services.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${lock}))`.execute(conn);
    try {
      const outcome = await writeBackAccount(services, job.teamId, job.accountId);
      await recordProblem(services, job.accountId, null);
      return outcome;
    } catch (err) {
      if (err instanceof WaitForConnection || err instanceof StepNeedsSetup) {
        await recordProblem(services, job.accountId, err.message);
        return 'waiting for a person';
      }
      if (err instanceof StepFailure) return err.message;
      throw err;
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lock}))`.execute(conn);
    }
  });
}

async function recordProblem(services: Services, accountId: string, problem: string | null): Promise<void> {
  await services.db
    .updateTable('accounts')
    .set({ crm_write_problem: problem })
    .where('id', '=', accountId)
    .execute();
}

/** "2 of 6 milestones done · next: Training" (null before a template is applied). */
async function progressInWords(services: Services, accountId: string): Promise<string | null> {
  const milestones = await services.db
    .selectFrom('account_milestones')
    .select(['name', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  if (!milestones.length) return null;
  const done = milestones.filter((m) => m.status === 'done' || m.status === 'skipped').length;
  const next =
    milestones.find((m) => m.status === 'in_progress') ?? milestones.find((m) => m.status === 'pending');
  return `${done} of ${milestones.length} milestones done${next ? ` · next: ${next.name}` : ''}`;
}

/**
 * The CSM as people in a CRM know them: their email (what CRM users share with Slack), else their name.
 * The same words `followCrmChange` matches against the pool, so a value Thread wrote maps back to the CSM.
 */
export async function csmAsCrmKnowsThem(services: Services, teamId: string, userId: string): Promise<string> {
  const client = await services.slackClient(teamId);
  const { user } = await client.users.info({ user: userId });
  return user?.profile?.email || user?.real_name || user?.name || userId;
}
