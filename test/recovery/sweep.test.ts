/**
 * The sweep: work stored but never queued (the process died in between) is handed back to its job; work
 * that is young (its own job is still coming) or too old (failing for good) is left alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAccount } from '../../src/domain/accounts/upsert.js';
import { startTestApp, type TestApp, waitUntil } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.stop();
});

async function triggerEvent(eventId: string, minutesAgo: number): Promise<string> {
  const row = await app.thread.services.db
    .insertInto('trigger_events')
    .values({
      team_id: app.teamId,
      provider: 'hubspot',
      event_id: eventId,
      kind: 'deal_stage_changed',
      external_id: `deal-${eventId}`,
      // A stage no handoff listens for: processing it only records it.
      payload: JSON.stringify({ stage: 'appointmentscheduled', occurredAt: new Date().toISOString() }),
      received_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function delivery(key: string, minutesAgo: number): Promise<void> {
  await app.thread.services.db
    .insertInto('deliveries')
    .values({
      team_id: app.teamId,
      key,
      channel: 'C0GENERAL',
      payload: JSON.stringify({ text: `stuck ${key}` }),
      updated_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
    })
    .execute();
}

/** A handoff run whose steps are all done but that was never finished (its job vanished). */
async function orphanRun(key: string, minutesAgo: number, waitingFor?: string): Promise<string> {
  const done = ['fetch-deal', 'upsert-account', 'apply-template', 'assign-csm', 'deliver', 'write-back'].map(
    (name) => ({
      name,
      status: 'done',
      attempts: 1,
      error: null,
      finished_at: new Date().toISOString(),
    }),
  );
  const row = await app.thread.services.db
    .insertInto('workflow_runs')
    .values({
      team_id: app.teamId,
      idempotency_key: key,
      source: 'hubspot',
      external_id: key,
      steps: JSON.stringify(done),
      ...(waitingFor ? { waiting_for: waitingFor } : {}),
      updated_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A milestone action that fell due long ago and whose job never ran (a crash between its row and its job). */
async function stuckAction(minutesAgo: number): Promise<void> {
  const db = app.thread.services.db;
  const { account } = await upsertAccount(db, {
    teamId: app.teamId,
    source: 'manual',
    externalId: 'stuck-action',
    name: 'Stuck Action Co',
    customerChannelId: 'C0GENERAL',
  });
  const m = await db
    .insertInto('account_milestones')
    .values({
      account_id: account.id,
      position: 0,
      name: 'Kickoff',
      due_date: '2027-01-01',
      status: 'in_progress',
      actions: JSON.stringify([{ type: 'slack_message', delay_hours: 0, text: 'a welcome that was stuck' }]),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('milestone_actions')
    .values({
      milestone_id: m.id,
      position: 0,
      team_id: app.teamId,
      due_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
    })
    .execute();
}

describe('the sweep job', () => {
  it('hands stuck trigger events, deliveries, handoff runs and milestone actions back to their jobs, once, and leaves the rest', async () => {
    const stuck = await triggerEvent('stuck-1', 11);
    const young = await triggerEvent('young-1', 2);
    const ancient = await triggerEvent('ancient-1', 120);
    await delivery('stuck-post', 11);
    await delivery('young-post', 2);
    const orphan = await orphanRun('orphan-run', 11);
    const youngRun = await orphanRun('young-run', 2);
    // Runs waiting for a person: one whose connection works again (its recovery was missed) resumes, one
    // whose connection is still missing keeps waiting — neither is "stuck".
    await app.thread.services.db
      .insertInto('connections')
      .values({ team_id: app.teamId, provider: 'hubspot', status: 'connected', updated_at: new Date() })
      .execute();
    const fixed = await orphanRun('fixed-run', 30, 'hubspot');
    const stillWaiting = await orphanRun('waiting-run', 30, 'salesforce');
    await stuckAction(11);

    // The sweep's own count says what it handed back: only the stuck ones — the young are still waiting
    // for their own jobs, the ancient are given up.
    const sweep = async () => {
      const id = (await app.thread.jobs.send('sweep'))!;
      const line = await waitUntil(
        () => app.logs.find((l) => l.includes(`"jobId":"${id}"`) && l.includes('"msg":"job done"')),
        'the sweep',
        15_000,
      );
      return (JSON.parse(line) as { result: unknown }).result;
    };
    expect(await sweep()).toEqual({ events: 1, deliveries: 1, runs: 1, actions: 1, resumed: 1 });

    const processed = async (eventId: string) =>
      (
        await app.thread.services.db
          .selectFrom('trigger_events')
          .select('processed_at')
          .where('id', '=', eventId)
          .executeTakeFirstOrThrow()
      ).processed_at;
    const runStatus = async (runId: string) =>
      (
        await app.thread.services.db
          .selectFrom('workflow_runs')
          .select('status')
          .where('id', '=', runId)
          .executeTakeFirstOrThrow()
      ).status;
    const posts = () =>
      app.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('stuck '));
    await waitUntil(() => processed(stuck), 'the stuck event processed', 15_000);
    await waitUntil(() => posts().length === 1, 'the stuck delivery posted', 15_000);
    await waitUntil(async () => (await runStatus(orphan)) === 'completed', 'the orphan run finished', 15_000);
    await waitUntil(async () => (await runStatus(fixed)) === 'completed', 'the resumed run finished', 15_000);
    expect(posts()[0]?.args.text).toBe('stuck stuck-post');
    const welcomes = () =>
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.text === 'a welcome that was stuck');
    await waitUntil(() => welcomes().length === 1, 'the stuck action done', 15_000);

    // Once they are done, a second sweep finds nothing, and nothing is posted twice.
    expect(await sweep()).toEqual({ events: 0, deliveries: 0, runs: 0, actions: 0, resumed: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts()).toHaveLength(1);
    expect(welcomes()).toHaveLength(1);
    expect(await processed(young)).toBeNull();
    expect(await processed(ancient)).toBeNull();
    expect(await runStatus(youngRun)).toBe('running');
    expect(await runStatus(stillWaiting)).toBe('running');
  });
});
