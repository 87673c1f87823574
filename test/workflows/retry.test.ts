/**
 * Retrying a failed handoff from App Home: the Retry button on a failed run (managers only) clears the
 * failed step, keeps the steps that succeeded (never redone: no second post, no second account), and
 * sends the run's job again; running and completed runs get a clear answer. `/thread account` names the
 * failed step and why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runHandoffSteps } from '../../src/domain/workflows/handoff.js';
import { ACTIONS } from '../../src/views/ids.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';

const world = useConnectorWorld();
const CHANNEL = 'C0RETRY';
let hubspot: HubSpotEmulator;
let runId: string;
const db = () => world.app.thread.services.db;

type Block = { type: string; text?: { text: string }; accessory?: { action_id?: string; value?: string } };

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  await connectVia(world.app, hubspot, 'hubspot');
  await world.app.commandReply('csm add <@UMEMBER|mo.member>');
  await world.app.commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
  hubspot.deals.push({
    id: '9101',
    properties: { dealname: 'Oscorp', dealstage: 'closedwon', pipeline: 'default', hs_object_id: '9101' },
  });
  // A run as startHandoff makes it; this test plays the queue's last attempt itself, with HubSpot
  // failing the write-back, so the run ends Failed at that step after the others succeeded.
  const row = await db()
    .insertInto('workflow_runs')
    .values({
      team_id: world.app.teamId,
      idempotency_key: 'test:hubspot:9101:entered:closedwon',
      source: 'hubspot',
      external_id: '9101',
      context: JSON.stringify({ source: 'hubspot' }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  runId = row.id;
  hubspot.dealWriteFaults.push(hubspot.fault(500));
  const outcome = await runHandoffSteps(world.app.thread.services, runId, { lastTry: true });
  expect(outcome).toMatchObject({ outcome: 'failed', step: 'write-back' });
  await world.app.until(() => postsAboutOscorp().length === 2, 'handoff posts delivered', 8000);
});

const postsAboutOscorp = () =>
  world.app.slack
    .callsTo('chat.postMessage')
    .filter((c) => JSON.stringify(c.args.blocks ?? []).includes('Oscorp'));

async function finishedAt(): Promise<Record<string, string | null>> {
  const run = await db()
    .selectFrom('workflow_runs')
    .select('steps')
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  return Object.fromEntries(
    (run.steps as { name: string; finished_at: string | null }[]).map((s) => [s.name, s.finished_at]),
  );
}

function runBlock(home: Record<string, unknown>): Block | undefined {
  // The run's line in Workflows (the CSM's "Your accounts" names Oscorp too, without the run).
  return (home.blocks as Block[]).find(
    (b) => b.type === 'section' && b.text?.text.includes('Oscorp') && !b.text.text.includes('milestones ·'),
  );
}

async function click(actionId: string, value: string, userId = 'UADMIN') {
  const before = world.app.slack.callsTo('views.publish').length;
  expect((await world.app.action(actionId, value, userId)).status).toBe(200);
  await world.app.until(() => world.app.slack.callsTo('views.publish').length > before, 'Home published');
  return blocksToText(world.app.slack.homeOf(userId)!.blocks as unknown[]);
}

describe('a failed run in App Home', () => {
  it('shows the failed step and why, with Retry for managers only; /thread account says the same', async () => {
    const admin = runBlock(await world.app.openHome('UADMIN'))!;
    expect(admin.text!.text).toContain('❌ Failed');
    expect(admin.text!.text).toContain('at *write-back*: Provider rate limit or outage (HTTP 500)');
    expect(admin.accessory).toMatchObject({ action_id: ACTIONS.workflowRetry, value: runId });
    const member = runBlock(await world.app.openHome('UMEMBER'))!;
    expect(member.text!.text).toContain('❌ Failed');
    expect(member.accessory).toBeUndefined();

    const account = blocksToText((await world.app.commandReply('account Oscorp')).blocks as unknown[]);
    expect(account).toMatch(
      /Last run: ❌ Failed .* at write-back: Provider rate limit or outage \(HTTP 500\)/,
    );
    expect(account).toContain('retry it from App Home');
  });

  it('a member’s Retry is refused and changes nothing', async () => {
    const home = await click(ACTIONS.workflowRetry, runId, 'UMEMBER');
    expect(home).toContain('Only workspace admins and Thread admins can retry handoffs');
    const run = await db()
      .selectFrom('workflow_runs')
      .select('status')
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
  });

  it('Retry: the failed step runs again, the others are kept — one account, one post, one DM, one write', async () => {
    const finishedBefore = await finishedAt();
    const home = await click(ACTIONS.workflowRetry, runId);
    expect(home).toContain('Retrying that handoff');
    const run = await world.app.until(
      async () => {
        const r = await db()
          .selectFrom('workflow_runs')
          .selectAll()
          .where('id', '=', runId)
          .executeTakeFirstOrThrow();
        return r.status === 'completed' ? r : undefined;
      },
      'retried run completed',
      15_000,
    );
    const steps = run.steps as { name: string; status: string; attempts: number }[];
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['fetch-deal', 'done', 1],
      ['upsert-account', 'done', 1],
      ['apply-template', 'done', 1],
      ['assign-csm', 'done', 1],
      ['gong-context', 'done', 1],
      ['ae-handoff', 'done', 1],
      ['handoff-email', 'done', 1],
      ['deliver', 'done', 1],
      ['write-back', 'done', 1],
    ]);
    expect(run.reason).toBeNull();
    // The kept steps are the same records: not run again (a rerun would stamp a new finished_at).
    const finishedAfter = await finishedAt();
    for (const name of ['fetch-deal', 'upsert-account', 'apply-template', 'assign-csm', 'deliver']) {
      expect(finishedAfter[name]).toBe(finishedBefore[name]);
    }
    expect(hubspot.dealWrites.filter((w) => w.id === '9101')).toHaveLength(1);
    expect(
      await db().selectFrom('accounts').select('id').where('external_id', '=', '9101').execute(),
    ).toHaveLength(1);
    expect(postsAboutOscorp()).toHaveLength(2);
    expect(runBlock(world.app.slack.homeOf('UADMIN')!)).toBeDefined();
    const after = runBlock(await world.app.openHome('UADMIN'))!;
    expect(after.text!.text).toContain('✅ Completed');
    expect(after.accessory).toBeUndefined();
  });

  it('a completed run, a running one and an unknown id each get a clear answer', async () => {
    expect(await click(ACTIONS.workflowRetry, runId)).toContain('already completed');
    const running = await db()
      .insertInto('workflow_runs')
      .values({
        team_id: world.app.teamId,
        idempotency_key: 'test:hubspot:9102:entered:closedwon',
        source: 'hubspot',
        external_id: '9102',
        context: JSON.stringify({ source: 'hubspot' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await click(ACTIONS.workflowRetry, running.id)).toContain('already running');
    expect(await click(ACTIONS.workflowRetry, "1' or '1'='1")).toContain('does not know that handoff run');
    expect(await click(ACTIONS.workflowRetry, '00000000-0000-4000-8000-000000000000')).toContain(
      'does not know that handoff run',
    );
  });
});
