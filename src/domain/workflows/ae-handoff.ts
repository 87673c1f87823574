/**
 * The AE's handoff in Slack. The handoff run finds the deal's owner in Slack by email
 * (`users.lookupByEmail`) and DMs them a "Complete handoff" button; the button opens a modal prefilled
 * from the CRM and the call recorder; the submission is kept on the account and delivered to the CSM,
 * and the AE is told it went. Only the AE the DM was sent to, or someone who manages Thread, may open
 * or submit it; the team always comes from the signed request and must be the run's.
 */
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import type { DealFacts } from '../../providers/types.js';
import {
  type AeHandoffView,
  aeHandoffDm,
  aeHandoffSent,
  completedHandoffMessage,
} from '../../views/messages/handoff.js';
import { type CompleteHandoffForm, HANDOFF_FIELD_MAX } from '../../views/modals/complete-handoff.js';
import { canManage } from '../connections/permissions.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import type { CallContext } from './gong-context.js';
import { workflowSettings } from './settings.js';

export type AeContext =
  /** The CRM names no AE email. */
  | { state: 'no email' }
  /** Nobody in this workspace has the AE's email: no DM (the email still goes out). */
  | { state: 'not in slack'; email: string }
  | { state: 'asked'; userId: string; dm: string };

/** The run's step: find the AE in Slack and queue the DM with the button (once per run, by its key). */
export async function askAe(
  services: Services,
  run: { id: string; teamId: string },
  deal: DealFacts,
  view: AeHandoffView,
): Promise<AeContext> {
  const email = deal.aeEmail?.trim();
  if (!email) return { state: 'no email' };
  const client = await services.slackClient(run.teamId);
  let userId: string | undefined;
  try {
    const found = await client.users.lookupByEmail({ email });
    userId = found.user?.deleted || found.user?.is_bot ? undefined : found.user?.id;
  } catch (err) {
    // docs.slack.dev/reference/methods/users.lookupByEmail: `users_not_found` is an answer, not a failure.
    if (slackError(err) !== 'users_not_found') throw err;
  }
  if (!userId) return { state: 'not in slack', email };
  const dm = (await client.conversations.open({ users: userId })).channel?.id;
  if (!dm) throw new Error('Slack did not open a DM with the AE');
  await enqueueDelivery(services, {
    teamId: run.teamId,
    channel: dm,
    key: `handoff:${run.id}:ae`,
    message: aeHandoffDm({ ...view, runId: run.id }),
  });
  return { state: 'asked', userId, dm };
}

function slackError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } } | null;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

/** What a handoff run carries that the modal and the completed handoff need. */
interface RunFacts {
  id: string;
  teamId: string;
  accountId: string | null;
  dealName: string;
  sourceName: string;
  deal?: DealFacts;
  csm?: { userId: string } | { none: true; poolSize: number };
  ae?: AeContext;
  calls?: CallContext;
}

export type FormAccess =
  | { ok: true; run: RunFacts; prefill: CompleteHandoffForm }
  | { ok: false; reason: string };

/** Who may open or submit the completed handoff of a run, and the run's facts when they may. */
async function access(services: Services, teamId: string, runId: string, userId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(runId))
    return { ok: false as const, reason: 'This handoff button is not one of Thread’s.' };
  const row = await services.db
    .selectFrom('workflow_runs')
    .select(['id', 'team_id', 'account_id', 'context', 'source'])
    .where('id', '=', runId)
    .executeTakeFirst();
  // Another workspace's run is answered like a missing one: its existence is not ours to tell.
  if (!row || row.team_id !== teamId) return { ok: false as const, reason: 'This handoff no longer exists.' };
  const context = row.context as Omit<RunFacts, 'id' | 'teamId' | 'accountId' | 'dealName' | 'sourceName'>;
  const ae = context.ae?.state === 'asked' ? context.ae.userId : null;
  if (userId !== ae && !(await canManage(services, teamId, userId))) {
    return {
      ok: false as const,
      reason: ae
        ? `Only <@${ae}>, the AE on this deal, or a Thread admin can complete this handoff.`
        : 'Only the AE on this deal or a Thread admin can complete this handoff.',
    };
  }
  const run: RunFacts = {
    ...context,
    id: row.id,
    teamId,
    accountId: row.account_id,
    dealName: context.deal?.name ?? `deal ${context.deal?.id ?? ''}`.trim(),
    sourceName: findProviderDefinition(row.source)?.name ?? row.source,
  };
  return { ok: true as const, run };
}

/** The button: may this person open the form, and with what in it. */
export async function handoffForm(
  services: Services,
  teamId: string,
  runId: string,
  userId: string,
): Promise<FormAccess> {
  const a = await access(services, teamId, runId, userId);
  if (!a.ok) return a;
  const done = await services.db
    .selectFrom('ae_handoffs')
    .select('submitted_by')
    .where('run_id', '=', runId)
    .executeTakeFirst();
  if (done) return { ok: false, reason: `This handoff was already completed by <@${done.submitted_by}>.` };
  return { ok: true, run: a.run, prefill: prefill(a.run) };
}

/** From the CRM: contacts become stakeholders, its notes and the recent calls' titles the notes. */
function prefill(run: RunFacts): CompleteHandoffForm {
  const stakeholders = (run.deal?.contacts ?? [])
    .map((c) =>
      [c.name ?? c.email ?? '', c.title ? `, ${c.title}` : '', c.name && c.email ? ` (${c.email})` : ''].join(
        '',
      ),
    )
    .filter(Boolean)
    .join('\n');
  const calls =
    run.calls?.state === 'loaded' && run.calls.calls.length
      ? `Recent calls:\n${run.calls.calls.map((c) => `- ${c.title ?? 'Untitled call'} (${c.startedAt.slice(0, 10)})`).join('\n')}`
      : '';
  const notes = [run.deal?.notes ?? '', calls].filter(Boolean).join('\n\n');
  const cut = (s: string) => (s.length > HANDOFF_FIELD_MAX ? s.slice(0, HANDOFF_FIELD_MAX) : s);
  return { goals: '', stakeholders: cut(stakeholders), risks: '', notes: cut(notes) };
}

export type CompleteOutcome =
  | { outcome: 'sent'; to: 'csm' | 'channel' | 'nobody' }
  | { outcome: 'refused'; reason: string };

/** The submission: kept once per run, delivered to the CSM (or the handoff channel), the AE told. */
export async function completeHandoff(
  services: Services,
  input: { teamId: string; runId: string; userId: string; form: CompleteHandoffForm },
): Promise<CompleteOutcome> {
  const { teamId, runId, userId, form } = input;
  const a = await access(services, teamId, runId, userId);
  if (!a.ok) return { outcome: 'refused', reason: a.reason };
  const run = a.run;
  const saved = await services.db
    .insertInto('ae_handoffs')
    .values({ run_id: runId, team_id: teamId, account_id: run.accountId, submitted_by: userId, ...form })
    .onConflict((oc) => oc.column('run_id').doNothing())
    .returning('run_id')
    .executeTakeFirst();
  if (!saved) {
    const by = await services.db
      .selectFrom('ae_handoffs')
      .select('submitted_by')
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    return { outcome: 'refused', reason: `This handoff was already completed by <@${by.submitted_by}>.` };
  }
  try {
    return { outcome: 'sent', to: await deliverCompleted(services, run, userId, form) };
  } catch (err) {
    // Nothing was queued: forget the submission so submitting again can deliver it.
    await services.db.deleteFrom('ae_handoffs').where('run_id', '=', runId).execute();
    throw err;
  }
}

async function deliverCompleted(
  services: Services,
  run: RunFacts,
  userId: string,
  form: CompleteHandoffForm,
): Promise<'csm' | 'channel' | 'nobody'> {
  const csm = run.csm && 'userId' in run.csm ? run.csm.userId : null;
  const message = completedHandoffMessage({ dealName: run.dealName, aeUserId: userId, csmUserId: csm, form });
  let to: 'csm' | 'channel' | 'nobody' = 'nobody';
  if (csm) {
    const client = await services.slackClient(run.teamId);
    const dm = (await client.conversations.open({ users: csm })).channel?.id;
    if (!dm) throw new Error('Slack did not open a DM with the CSM');
    await enqueueDelivery(services, {
      teamId: run.teamId,
      channel: dm,
      key: `handoff:${run.id}:completed`,
      message,
    });
    to = 'csm';
  } else {
    // Nobody owns the account yet: the handoff channel, where someone takes it by hand, gets it.
    const { handoffChannelId } = await workflowSettings(services.db, run.teamId);
    if (handoffChannelId) {
      await enqueueDelivery(services, {
        teamId: run.teamId,
        channel: handoffChannelId,
        key: `handoff:${run.id}:completed`,
        message,
      });
      to = 'channel';
    }
  }
  const aeDm = run.ae?.state === 'asked' ? run.ae.dm : null;
  if (aeDm) {
    await enqueueDelivery(services, {
      teamId: run.teamId,
      channel: aeDm,
      key: `handoff:${run.id}:ae-sent`,
      message: aeHandoffSent({ dealName: run.dealName, csmUserId: csm, to }),
    });
  }
  return to;
}
