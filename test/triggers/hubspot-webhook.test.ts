/** `POST /webhooks/hubspot`: signature v3 over the public URL, batches, dedupe by eventId, routing by portal. */

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';

const world = useConnectorWorld();
let portal: number;
let secret: string;
const url = () => `${world.app.url}/webhooks/hubspot`;

beforeAll(async () => {
  const hubspot = world.emulators.byId.hubspot! as typeof world.emulators.byId.hubspot & {
    portal: { id: number };
  };
  await connectVia(world.app, hubspot, 'hubspot');
  portal = hubspot.portal.id;
  secret = world.emulators.env.HUBSPOT_CLIENT_SECRET!;
});

const storedEvents = (app: TestApp) =>
  app.thread.services.db.selectFrom('trigger_events').selectAll().orderBy('event_id').execute();

async function triggerJobs(app: TestApp): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from pgboss.job where name = 'trigger-event'`.execute(app.thread.services.db);
  return r.rows[0]!.n;
}

describe('HubSpot webhook ingest', () => {
  it('a signed batch: 200, one row per event (normalized), one job each, processed by the job', async () => {
    const batch = [
      dealStageEvent(portal, { dealId: 11 }),
      dealStageEvent(portal, { dealId: 12, stage: 'appointmentscheduled' }),
    ];
    const jobsBefore = await triggerJobs(world.app);
    const res = await postHubSpot(url(), batch, { secret });
    expect(res.status).toBe(200);
    const rows = (await storedEvents(world.app)).filter((r) => ['11', '12'].includes(r.external_id));
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.team_id, r.kind, r.external_id, r.payload.stage])).toEqual([
      [world.app.teamId, 'deal_stage_changed', '11', 'closedwon'],
      [world.app.teamId, 'deal_stage_changed', '12', 'appointmentscheduled'],
    ]);
    // Only the normalized fields are kept.
    expect(Object.keys(rows[0]!.payload).sort()).toEqual(['occurredAt', 'stage']);
    expect(await triggerJobs(world.app)).toBe(jobsBefore + 2);
    await world.app.until(
      async () => (await storedEvents(world.app)).filter((r) => r.processed_at).length >= 2,
      'events processed',
      15_000,
    );

    // HubSpot retries the same delivery: nothing new is stored or queued.
    const again = await postHubSpot(url(), batch, { secret });
    expect(again.status).toBe(200);
    expect((await storedEvents(world.app)).filter((r) => ['11', '12'].includes(r.external_id))).toHaveLength(
      2,
    );
    expect(await triggerJobs(world.app)).toBe(jobsBefore + 2);
  });

  /**
   * A trigger on pg-boss's partitioned job table locks each partition, in an order of its own; the app's
   * workers, fetching meanwhile, can take two of them the other way round. Postgres then ends one side
   * with a deadlock (40P01) — here the test's DDL, which is simply tried again.
   */
  async function ddl(statement: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await statement();
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt === 5) throw err;
      }
    }
  }

  it("the job queue refusing: 500 and nothing kept, so HubSpot's retry of the batch is stored then", async () => {
    const db = world.app.thread.services.db;
    // A real failure at the database: inserts into the queue's table are refused for a moment.
    await sql`create or replace function refuse_jobs() returns trigger language plpgsql as
      $$ begin if new.name = 'trigger-event' then raise exception 'job inserts refused by the test'; end if;
      return new; end $$`.execute(db);
    await ddl(() =>
      sql`create trigger refuse_jobs before insert on pgboss.job
      for each row execute function refuse_jobs()`.execute(db),
    );
    const batch = [dealStageEvent(portal, { dealId: 31 }), dealStageEvent(portal, { dealId: 32 })];
    try {
      expect((await postHubSpot(url(), batch, { secret })).status).toBe(500);
      expect((await storedEvents(world.app)).filter((r) => ['31', '32'].includes(r.external_id))).toEqual([]);
    } finally {
      await ddl(() => sql`drop trigger refuse_jobs on pgboss.job`.execute(db));
    }
    expect((await postHubSpot(url(), batch, { secret })).status).toBe(200);
    await world.app.until(
      async () =>
        (await storedEvents(world.app)).filter((r) => ['31', '32'].includes(r.external_id) && r.processed_at)
          .length === 2,
      'the retried batch processed',
      15_000,
    );
  });

  it('events Thread does not use are answered 200 and not stored', async () => {
    const before = (await storedEvents(world.app)).length;
    const other = { ...dealStageEvent(portal), propertyName: 'amount', propertyValue: '100' };
    expect((await postHubSpot(url(), [other], { secret })).status).toBe(200);
    expect(await storedEvents(world.app)).toHaveLength(before);
  });

  it('forged, unsigned, stale or wrong-secret requests: 401 and nothing stored', async () => {
    const before = (await storedEvents(world.app)).length;
    const batch = [dealStageEvent(portal, { dealId: 21 })];
    const answers = [
      await postHubSpot(url(), batch, { secret, signature: 'Zm9yZ2Vk' }),
      await postHubSpot(url(), batch, { secret, signature: null }),
      await postHubSpot(url(), batch, { secret, timestamp: Date.now() - 5 * 60_000 - 1000 }),
      await postHubSpot(url(), batch, { secret: 'not-the-client-secret' }),
    ];
    // A valid signature over another body does not carry over.
    const signedOther = await postHubSpot(url(), [dealStageEvent(portal, { dealId: 22 })], { secret });
    expect(signedOther.status).toBe(200);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    const rows = await storedEvents(world.app);
    expect(rows.filter((r) => r.external_id === '21')).toHaveLength(0);
    expect(rows).toHaveLength(before + 1);
  });

  it('a body over 1 MB: 413, nothing stored', async () => {
    const before = (await storedEvents(world.app)).length;
    const big = JSON.stringify([{ ...dealStageEvent(portal), propertyValue: 'x'.repeat(1_100_000) }]);
    expect((await postHubSpot(url(), big, { secret })).status).toBe(413);
    expect(await storedEvents(world.app)).toHaveLength(before);
  });

  it('a signed body that is not a batch: 400', async () => {
    expect((await postHubSpot(url(), { eventId: 1 }, { secret })).status).toBe(400);
    expect((await postHubSpot(url(), 'not json', { secret })).status).toBe(400);
  });

  it('a portal no team has connected: 200, ignored, logged once', async () => {
    const before = (await storedEvents(world.app)).length;
    for (let i = 0; i < 2; i++) {
      expect((await postHubSpot(url(), [dealStageEvent(777001)], { secret })).status).toBe(200);
    }
    expect(await storedEvents(world.app)).toHaveLength(before);
    expect(
      world.app.logs.filter((l) => l.includes('no team has connected') && l.includes('777001')),
    ).toHaveLength(1);
  });
});

describe('behind a proxy (THREAD_PUBLIC_URL differs from the listen address)', () => {
  it('accepts the signature over the public URL and refuses one over the socket URL', async () => {
    const app = await startTestApp({
      env: { THREAD_PUBLIC_URL: 'https://thread.example.com', HUBSPOT_CLIENT_SECRET: 'proxy-test-secret' },
    });
    try {
      const socketUrl = `${app.url}/webhooks/hubspot`;
      const batch = [dealStageEvent(4242)];
      const o = { secret: 'proxy-test-secret' };
      expect((await postHubSpot(socketUrl, batch, o)).status).toBe(401);
      expect(
        (
          await postHubSpot(socketUrl, batch, {
            ...o,
            signedUri: 'https://thread.example.com/webhooks/hubspot',
          })
        ).status,
      ).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
