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
import { StepFailure, StepNeedsSetup } from './runs.js';
import { workflowSettings, writeBackOptions } from './settings.js';
import { withStepConnection } from './waiting.js';

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

/**
 * The CSM as people in a CRM know them: their email (what CRM users share with Slack), else their name.
 * The same words `followCrmChange` matches against the pool, so a value Thread wrote maps back to the CSM.
 */
export async function csmAsCrmKnowsThem(services: Services, teamId: string, userId: string): Promise<string> {
  const client = await services.slackClient(teamId);
  const { user } = await client.users.info({ user: userId });
  return user?.profile?.email || user?.real_name || user?.name || userId;
}
