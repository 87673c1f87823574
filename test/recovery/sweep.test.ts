/**
 * The sweep: work stored but never queued (the process died in between) is handed back to its job; work
 * that is young (its own job is still coming) or too old (failing for good) is left alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('the sweep job', () => {
  it('hands stuck trigger events and deliveries back to their jobs, once, and leaves the rest', async () => {
    const stuck = await triggerEvent('stuck-1', 11);
    const young = await triggerEvent('young-1', 2);
    const ancient = await triggerEvent('ancient-1', 120);
    await delivery('stuck-post', 11);
    await delivery('young-post', 2);

    const id = (await app.thread.jobs.send('sweep'))!;
    await waitUntil(
      async () => (await app.thread.jobs.state('sweep', id)) === 'completed',
      'the sweep',
      15_000,
    );
    const processed = async (eventId: string) =>
      (
        await app.thread.services.db
          .selectFrom('trigger_events')
          .select('processed_at')
          .where('id', '=', eventId)
          .executeTakeFirstOrThrow()
      ).processed_at;
    await waitUntil(() => processed(stuck), 'the stuck event processed', 15_000);
    const posts = () =>
      app.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('stuck '));
    await waitUntil(() => posts().length === 1, 'the stuck delivery posted', 15_000);
    expect(posts()[0]?.args.text).toBe('stuck stuck-post');

    // A second sweep while nothing is stuck any more changes nothing.
    const again = (await app.thread.jobs.send('sweep'))!;
    await waitUntil(
      async () => (await app.thread.jobs.state('sweep', again)) === 'completed',
      'sweep 2',
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts()).toHaveLength(1);
    expect(await processed(young)).toBeNull();
    expect(await processed(ancient)).toBeNull();
  });
});
