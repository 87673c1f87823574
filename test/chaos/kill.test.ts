/**
 * kill -9 at a random moment: a real Thread process while HubSpot deals close (signed webhooks) and
 * posts flow to Slack, killed at a moment drawn from a seeded PRNG and started again on the same
 * database. Once everything has settled, nothing is lost and nothing is doubled.
 *
 * CHAOS_RUNS (default 10) runs with fresh seeds; CHAOS_SEED=<n> replays one. Each run prints its seed and
 * when the kill landed.
 */
import type { Kysely } from 'kysely';
import { describe, it } from 'vitest';
import { openDatabase } from '../../src/app/db.js';
import type { DB } from '../../src/app/db-types.js';
import { storePosts } from '../helpers/stored-posts.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';
import { closingDeals, expectEachDealOnce, untilSettled } from './handoffs.js';
import { chaosSeeds, prng } from './seeds.js';
import { useThreadWorld } from './thread-world.js';

const DEALS = 5;
/** Posts of another kind (a broadcast's) flowing at the same time, over a few channels. */
const OTHER_POSTS = 12;
/** The kill lands at most this long after the first webhook: about as long as the handoffs and their posts take. */
const KILL_WINDOW_MS = 5000;

const world = useThreadWorld();

/** What the kill interrupted, in words for the run's line. */
async function caught(db: Kysely<DB>): Promise<string> {
  const runs = await db.selectFrom('workflow_runs').select('id').where('status', '=', 'running').execute();
  const posts = await db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('posting_since', 'is not', null)
    .execute();
  const emails = await db
    .selectFrom('handoff_emails')
    .select('run_id')
    .where('status', '=', 'sending')
    .execute();
  return `${runs.length} handoff runs running, ${posts.length} posts and ${emails.length} emails mid-send`;
}

/** Each run's deals have ids of their own: the emulators serve the whole file. */
let run = 0;

describe('kill -9 at a random moment, then a restart', () => {
  it.each(chaosSeeds())(
    'seed=%i: every deal handed off once, every post in Slack once',
    async (seed) => {
      const random = prng(seed);
      const firstDeal = 71_000 + 100 * run++;
      const databaseUrl = await freshDatabaseUrl();
      const env = await world.env(databaseUrl);
      const first = await world.start(env);
      await world.setUp(first);
      const deals = closingDeals(world.hubspot, firstDeal, DEALS);
      // Slack and Gmail take a moment to answer, as they do: a kill often lands with a post or an email
      // in their hands and its answer never read.
      const slack = world.procs.slack;
      slack.latency('chat.postMessage', 100 + Math.floor(random() * 300));
      world.google.failNext('api', ...deals.map(() => ({ delayMs: 300, path: '/gmail/' })));
      const database = await openDatabase({ databaseUrl });
      try {
        await storePosts(
          databaseUrl,
          Array.from({ length: OTHER_POSTS }, (_, i) => ({
            teamId: slack.teamId,
            channel: `C0CHAOS${i % 3}`,
            key: `chaos:${firstDeal}:${i}`,
            message: { text: `Update ${i}` },
          })),
        );
        const startedAt = Date.now();
        const webhooks = world.webhooks(first, deals, () => Math.floor(random() * 400));
        const killAfter = Math.floor(random() * KILL_WINDOW_MS);
        await new Promise((r) => setTimeout(r, startedAt + killAfter - Date.now()));
        first.child.kill('SIGKILL');
        await first.exited;
        console.log(`seed=${seed} killed after ${killAfter} ms (${await caught(database.db)})`);

        await world.start(env);
        const restartedAt = Date.now();
        await webhooks;
        await untilSettled(database.db, deals, 120_000);
        console.log(`seed=${seed} settled ${Date.now() - restartedAt} ms after the restart`);
        await expectEachDealOnce(database.db, { slack, google: world.google, deals });
      } finally {
        slack.latency('chat.postMessage', undefined);
        await database.close();
      }
    },
    180_000,
  );
});
