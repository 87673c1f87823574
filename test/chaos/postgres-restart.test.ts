/**
 * Postgres stopped and started again while handoffs and posts are in flight — a post on its way to Slack
 * when the database goes. Thread (a real process on DATABASE_URL) stays up, says 503 on /healthz
 * meanwhile, reconnects by itself, and every deal is handed off once, every post in Slack once.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/app/db.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/app/embedded/server.js';
import { waitUntil } from '../helpers/app.js';
import { scratchDataDir } from '../helpers/process.js';
import { storePosts } from '../helpers/stored-posts.js';
import { closingDeals, expectEachDealOnce, untilSettled } from './handoffs.js';
import { useThreadWorld } from './thread-world.js';

const OUTAGE_MS = 8000;

const world = useThreadWorld();
let dbDir: string;
let server: EmbeddedServer;
beforeAll(async () => {
  dbDir = scratchDataDir();
  server = await startEmbeddedServer({ dataDir: dbDir });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(path.dirname(dbDir), { recursive: true, force: true });
});

describe('Postgres restarted mid-run', () => {
  it('Thread reconnects by itself: every deal handed off once, every post in Slack once', async () => {
    const url = server.url();
    const thread = await world.start(await world.env(url));
    await world.setUp(thread);
    const deals = closingDeals(world.hubspot, 73_000, 5);
    const slack = world.procs.slack;
    await storePosts(
      url,
      Array.from({ length: 12 }, (_, i) => ({
        teamId: slack.teamId,
        channel: `C0PGRS${i % 3}`,
        key: `pg-restart:${i}`,
        message: { text: `Update ${i}` },
      })),
    );
    const database = await openDatabase({ databaseUrl: url });
    try {
      const delivered = async () =>
        (
          await database.db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'delivered')
            .executeTakeFirstOrThrow()
        ).n;
      const webhooks = world.webhooks(thread, deals, () => 300);
      // Mid-run: posts going out, handoffs still to do — and one post in Slack's hands when the database
      // goes, whose answer Thread cannot record.
      await waitUntil(async () => (await delivered()) >= 2, 'posts flowing', 20_000);
      const calls = () => slack.callsTo('chat.postMessage').length;
      slack.slowNext('chat.postMessage', 2000);
      const before = calls();
      await waitUntil(() => calls() > before, 'a post in flight', 10_000);
      const inFlight = await database.db
        .selectFrom('workflow_runs')
        .select('status')
        .where('status', '=', 'running')
        .execute();
      await server.stop();
      await thread.waitFor('/healthz 503', async () => (await thread.healthz()) === 503, 15_000);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      expect(thread.child.exitCode).toBeNull();
      server = await startEmbeddedServer({ dataDir: dbDir });
      await thread.waitFor('/healthz 200 again', async () => (await thread.healthz()) === 200, 20_000);

      await webhooks;
      await untilSettled(database.db, deals, 90_000);
      await expectEachDealOnce(database.db, { slack, google: world.google, deals });
      console.log(`database stopped with ${inFlight.length} handoff runs running; all settled after`);
      expect(thread.child.exitCode).toBeNull();
    } finally {
      await database.close();
    }
  }, 180_000);
});
