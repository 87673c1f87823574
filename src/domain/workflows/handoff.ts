/**
 * The sales-to-CS handoff. A deal entering the team's handoff stage starts one run (idempotent by team,
 * source, deal and 'entered:' + stage: the same change seen twice — a webhook retried, or a webhook and
 * a later poll — is one run). The run's steps are done by the `handoff-step` job (see runs.ts):
 * fetch the deal → upsert the account → apply the template → assign a CSM → the recent calls (Gong) →
 * ask the AE in Slack → email the AE → queue the Slack posts.
 */

import type { AccountSource } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import type { DealFacts, TriggerEvent } from '../../providers/types.js';
import { type HandoffView, handoffDm, handoffEmail, handoffPost } from '../../views/messages/handoff.js';
import { applyTemplate } from '../accounts/apply-template.js';
import { assignCsm } from '../accounts/assign-csm.js';
import { accountById } from '../accounts/overview.js';
import { upsertAccount } from '../accounts/upsert.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { scheduleStartedActions } from '../milestones/actions.js';
import { claimable } from '../recovery/claims.js';
import { type AeContext, askAe } from './ae-handoff.js';
import { type CallContext, loadCallContext } from './gong-context.js';
import { type EmailContext, sendHandoffEmail } from './handoff-email.js';
import { advanceRun, type Run, type RunOutcome, type Step, StepFailure } from './runs.js';
import { dealSourceOptions, handoffStageFor, workflowSettings } from './settings.js';
import { RUN_STEP_JOB, withStepConnection } from './waiting.js';
import { writeBackAccount } from './write-back.js';

export const HANDOFF_STEP_JOB = RUN_STEP_JOB;

/** The source as people call it ("HubSpot"). */
function sourceName(source: string): string {
  return findProviderDefinition(source)?.name ?? source;
}

/** What the steps found, kept on the run so a retry never redoes a step that succeeded. */
export interface HandoffContext {
  source: AccountSource;
  deal?: DealFacts;
  accountId?: string;
  csm?: { userId: string } | { none: true; poolSize: number };
  calls?: CallContext;
  ae?: AeContext;
  email?: EmailContext;
  posted?: { channel: string | null; dm: string | null };
}

export type StartOutcome = 'started' | 'already started' | 'not the handoff stage' | 'workflow off';

/** From a trigger event: a run when the deal entered the team's handoff stage, nothing otherwise. */
export async function startHandoff(
  services: Services,
  input: { teamId: string; provider: string; event: TriggerEvent },
): Promise<StartOutcome> {
  const { teamId, provider, event } = input;
  if (event.kind !== 'deal_stage_changed' || !isDealSource(provider)) return 'not the handoff stage';
  const settings = await workflowSettings(services.db, teamId);
  if (!settings.enabled) return 'workflow off';
  if (event.stage !== handoffStageFor(settings, provider)) return 'not the handoff stage';
  const context: HandoffContext = { source: provider };
  const idempotencyKey = `${teamId}:${provider}:${event.externalId}:entered:${event.stage}`;
  const row = await services.db
    .insertInto('workflow_runs')
    .values({
      team_id: teamId,
      idempotency_key: idempotencyKey,
      source: provider,
      external_id: event.externalId,
      context: JSON.stringify(context),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    await requeueIdleRun(services, idempotencyKey);
    return 'already started';
  }
  try {
    await services.jobs.send(HANDOFF_STEP_JOB, { runId: row.id });
  } catch (err) {
    // A run without its job would never advance, and the next sighting of the change would find it and stop.
    await services.db.deleteFrom('workflow_runs').where('id', '=', row.id).execute();
    throw err;
  }
  return 'started';
}

/**
 * The run seen again is still running and nobody holds it: its job may have died with a process that
 * stopped between storing the run and queueing it, so it gets one again (a job for a run that is moving
 * anyway finds it busy or finished, and does nothing). A run waiting for a connection is left waiting.
 */
async function requeueIdleRun(services: Services, idempotencyKey: string): Promise<void> {
  const idle = await services.db
    .selectFrom('workflow_runs')
    .select('id')
    .where('idempotency_key', '=', idempotencyKey)
    .where('status', '=', 'running')
    .where('waiting_for', 'is', null)
    .where(claimable(null))
    .executeTakeFirst();
  if (idle) await services.jobs.send(HANDOFF_STEP_JOB, { runId: idle.id });
}

/** The job's work: the steps not done yet, in order (`jobId`: see advanceRun). */
export function runHandoffSteps(
  services: Services,
  runId: string,
  options: { lastTry: boolean; jobId?: string },
): Promise<RunOutcome> {
  return advanceRun<HandoffContext>(services.db, runId, handoffSteps(services, options), options);
}

function handoffSteps(services: Services, options: { lastTry: boolean }): Step<HandoffContext>[] {
  const db = services.db;
  return [
    {
      name: 'fetch-deal',
      run: async (run) => ({
        deal: await fetchDeal(services, run.teamId, run.context.source, run.externalId),
      }),
    },
    {
      name: 'upsert-account',
      run: async ({ teamId, externalId, context }) => {
        const deal = context.deal!;
        const { account } = await upsertAccount(db, {
          teamId,
          source: context.source,
          externalId,
          // A deal without a name still becomes an account: it is named after the deal id.
          name: deal.name ?? `${sourceName(context.source)} ${recordName(context.source)} ${externalId}`,
          amount: deal.amount,
          currency: deal.currency,
          closeDate: deal.closeDate,
          crmOwnerId: deal.ownerId,
          ...(deal.domain !== undefined ? { domain: deal.domain } : {}),
          ...(deal.aeEmail !== undefined ? { aeEmail: deal.aeEmail } : {}),
          ...(deal.ownerName !== undefined ? { aeName: deal.ownerName } : {}),
        });
        return { accountId: account.id };
      },
    },
    {
      name: 'apply-template',
      run: async ({ teamId, context }) => {
        const { templateId } = await workflowSettings(db, teamId);
        await applyTemplate(db, accountOf(context), templateId ? { templateId } : {});
        // The first milestone started with the plan: its actions (a welcome) are queued, once.
        await scheduleStartedActions(services, teamId, accountOf(context));
        return {};
      },
    },
    {
      name: 'assign-csm',
      run: async ({ context }) => {
        const r = await assignCsm(db, accountOf(context));
        return {
          csm: r.outcome === 'no-room' ? { none: true, poolSize: r.poolSize } : { userId: r.csmUserId },
        };
      },
    },
    {
      // Caught on the last try (recorded in the context, the step done): the handoff never waits on Gong.
      name: 'gong-context',
      run: async (run) =>
        delivered(run)
          ? {}
          : { calls: await loadCallContext(services, run.teamId, run.context.deal!, options) },
    },
    {
      name: 'ae-handoff',
      run: async (run) => {
        if (delivered(run)) return {};
        const view = await handoffView(services, run.teamId, run.context);
        return { ae: await askAe(services, run, run.context.deal!, view) };
      },
    },
    {
      name: 'handoff-email',
      run: async (run) => {
        if (delivered(run)) return {};
        const view = await handoffView(services, run.teamId, run.context);
        const { subject, html } = handoffEmail({ ...view, askedInSlack: run.context.ae?.state === 'asked' });
        const deal = run.context.deal!;
        return {
          email: await sendHandoffEmail(services, run, {
            aeEmail: deal.aeEmail,
            aeName: deal.ownerName,
            subject,
            html,
          }),
        };
      },
    },
    {
      name: 'deliver',
      run: async (run) => ({ posted: await queueHandoffPosts(services, run.id, run.teamId, run.context) }),
    },
    {
      // The onboarding stage and CSM onto the deal: one idempotent PATCH, so a retry doubles nothing.
      name: 'write-back',
      run: async ({ teamId, context }) => {
        await writeBackAccount(services, teamId, accountOf(context));
        return {};
      },
    },
  ];
}

/** The channel post and the CSM's DM, each queued once under a key of this run. */
async function queueHandoffPosts(
  services: Services,
  runId: string,
  teamId: string,
  context: HandoffContext,
): Promise<HandoffContext['posted']> {
  const view = await handoffView(services, teamId, context);
  const { handoffChannelId } = await workflowSettings(services.db, teamId);
  if (handoffChannelId) {
    await enqueueDelivery(services, {
      teamId,
      channel: handoffChannelId,
      key: `handoff:${runId}:channel`,
      message: handoffPost(view),
    });
  }
  let dm: string | null = null;
  if ('userId' in view.csm) {
    // Opening the DM is idempotent in Slack (the same channel each time); the post itself is keyed.
    const client = await services.slackClient(teamId);
    dm = (await client.conversations.open({ users: view.csm.userId })).channel?.id ?? null;
    if (!dm) throw new StepFailure('Slack did not open a DM with the CSM');
    await enqueueDelivery(services, {
      teamId,
      channel: dm,
      key: `handoff:${runId}:csm`,
      message: handoffDm(view),
    });
  }
  return { channel: handoffChannelId, dm };
}

/** The handoff as the views show it: the account as stored, the deal's people, what the steps found. */
async function handoffView(
  services: Services,
  teamId: string,
  context: HandoffContext,
): Promise<HandoffView> {
  const account = await accountById(services.db, teamId, accountOf(context));
  if (!account) throw new StepFailure('the account was deleted before the handoff was posted');
  const deal = context.deal;
  return {
    dealName: account.name,
    sourceName: sourceName(context.source),
    accountId: accountOf(context),
    dealId: deal?.id ?? '',
    amount: account.amount,
    currency: account.currency,
    closeDate: account.closeDate,
    ownerId: deal?.ownerId ?? null,
    csm: context.csm ?? { none: true, poolSize: 0 },
    milestones: account.milestones.map((m) => ({ name: m.name, dueDate: m.dueDate })),
    ae: { name: deal?.ownerName ?? null, email: deal?.aeEmail ?? null },
    companyName: deal?.companyName ?? null,
    domain: deal?.domain ?? null,
    contacts: deal?.contacts ?? [],
    notes: deal?.notes ?? null,
    ...(context.calls ? { calls: context.calls } : {}),
    ...(context.ae ? { aeAsk: context.ae } : {}),
    ...(context.email ? { email: context.email } : {}),
  };
}

/**
 * A run whose handoff already went out before these steps existed (in flight during an upgrade): what
 * they would add could no longer be posted, and an email days late helps no one — they are skipped.
 */
function delivered(run: Run<HandoffContext>): boolean {
  return run.steps.some((s) => s.name === 'deliver' && s.status === 'done');
}

function isDealSource(provider: string): provider is AccountSource {
  return Boolean(findProviderDefinition(provider)?.deals);
}

function recordName(source: string): string {
  return findProviderDefinition(source)?.deals?.recordName ?? 'record';
}

/** The deal behind a run, read through its source's SDK with a live token (waits for a broken connection). */
async function fetchDeal(
  services: Services,
  teamId: string,
  source: string,
  externalId: string,
): Promise<DealFacts> {
  const deals = findProviderDefinition(source)?.deals;
  if (!deals) throw new StepFailure(`${sourceName(source)} is not a source of deals.`);
  const options = dealSourceOptions(await workflowSettings(services.db, teamId));
  return withStepConnection(services, teamId, source, (ctx) => deals.fetchDeal(ctx, externalId, options));
}

function accountOf(c: HandoffContext): string {
  if (!c.accountId) throw new StepFailure('the account was not created');
  return c.accountId;
}
