/**
 * kill -9 at a random moment: a real Thread process while HubSpot deals close (signed webhooks) and
 * posts flow to Slack, killed at a moment drawn from a seeded PRNG and started again on the same
 * database. Once everything has settled, nothing is lost and nothing is doubled.
 *
 * CHAOS_RUNS (default 10) runs with fresh seeds; CHAOS_SEED=<n> replays one. Each run prints its seed and
 * when the kill landed.
 */
import { describe, it } from 'vitest';
import { openDatabase } from '../../src/app/db.js';
import { storePosts } from '../helpers/stored-posts.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';
import { closingDeals, expectEachDealOnce, untilSettled } from './handoffs.js';
import { chaosSeeds, prng } from './seeds.js';
import { useThreadWorld } from './thread-world.js';

const DEALS = 5;
/** Posts of another kind (a broadcast's) flowing at the same time, over a few channels. */
const OTHER_POSTS = 12;
/** The kill lands at most this long after the first webhook: about as long as the handoffs and their posts take. */
const KILL_WINDOW_MS = 6000;

const world = useThreadWorld();
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
      const database = await openDatabase({ databaseUrl });
      try {
        await storePosts(
          databaseUrl,
          Array.from({ length: OTHER_POSTS }, (_, i) => ({
            teamId: world.procs.slack.teamId,
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
        console.log(`seed=${seed} killed after ${killAfter} ms`);

        await world.start(env);
        const restartedAt = Date.now();
        await webhooks;
        await untilSettled(database.db, deals, 120_000);
        console.log(`seed=${seed} settled ${Date.now() - restartedAt} ms after the restart`);
        await expectEachDealOnce(database.db, { slack: world.procs.slack, google: world.google, deals });
      } finally {
        await database.close();
      }
    },
    180_000,
  );
});
