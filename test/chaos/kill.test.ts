/**
 * kill -9 at a random moment: a real Thread process while HubSpot deals close (signed webhooks) and
 * posts flow to Slack, killed at a moment drawn from a seeded PRNG and started again on the same
 * database. Once everything has settled, nothing is lost and nothing is doubled.
 *
 * CHAOS_RUNS (default 10) runs with fresh seeds; CHAOS_SEED=<n> replays one. Each run prints its seed and
 * when the kill landed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/app/db.js';
import { completeConsent, linkFrom } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { type ProviderEmulators, startProviderEmulators } from '../emulators/providers.js';
import { freePort } from '../helpers/app.js';
import { randomKey, type ThreadProcess, useThreadProcesses } from '../helpers/process.js';
import { storePosts } from '../helpers/stored-posts.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';
import { CHANNEL, CSM, closingDeals, deliverWebhooks, expectEachDealOnce, untilSettled } from './handoffs.js';
import { chaosSeeds, prng } from './seeds.js';

const DEALS = 5;
/** Posts of another kind (a broadcast's) flowing at the same time, over a few channels. */
const OTHER_POSTS = 12;
/** The kill lands this long at most after the first webhook: the handoffs and their posts take about as long. */
const KILL_WINDOW_MS = 6000;

const procs = useThreadProcesses();
let emulators: ProviderEmulators;
let hubspot: HubSpotEmulator;
let google: GoogleEmulator;
beforeAll(async () => {
  emulators = await startProviderEmulators();
  hubspot = emulators.byId.hubspot as HubSpotEmulator;
  google = emulators.byId.google as GoogleEmulator;
}, 60_000);
afterAll(async () => {
  await emulators?.close();
});

/** A Thread with HubSpot and Google connected, a CSM in the pool and a handoff channel, as an admin sets it up. */
async function setUp(p: ThreadProcess): Promise<void> {
  for (const [id, emulator] of [
    ['hubspot', hubspot],
    ['google', google],
  ] as const) {
    emulator.registerRedirectUri(`${p.url}/oauth/${id}/callback`);
    const page = await completeConsent(emulator, linkFrom(await procs.commandReply(p, `connect ${id}`)));
    expect(page.status).toBe(200);
  }
  expect(JSON.stringify(await procs.commandReply(p, `csm add <@${CSM}|mo.member>`))).toContain('CSM pool');
  await procs.commandReply(p, `handoff channel <#${CHANNEL}|cs-handoffs>`);
}

let run = 0;

describe('kill -9 at a random moment, then a restart', () => {
  it.each(chaosSeeds())(
    'seed=%i: every deal handed off once, every post in Slack once',
    async (seed) => {
      const random = prng(seed);
      const firstDeal = 71_000 + 100 * run++;
      const databaseUrl = await freshDatabaseUrl();
      const env = {
        ...emulators.env,
        DATABASE_URL: databaseUrl,
        THREAD_ENCRYPTION_KEY: randomKey(),
        // The same address after the restart: HubSpot signs the URL it was given.
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      };
      const first = await procs.start({ via: 'node', env });
      await procs.ready(first);
      await setUp(first);
      const deals = closingDeals(hubspot, firstDeal, DEALS);
      const database = await openDatabase({ databaseUrl });
      try {
        await storePosts(
          databaseUrl,
          Array.from({ length: OTHER_POSTS }, (_, i) => ({
            teamId: procs.slack.teamId,
            channel: `C0CHAOS${i % 3}`,
            key: `chaos:${firstDeal}:${i}`,
            message: { text: `Update ${i}` },
          })),
        );
        const started = Date.now();
        const webhooks = deliverWebhooks(`${first.url}/webhooks/hubspot`, {
          secret: emulators.env.HUBSPOT_CLIENT_SECRET!,
          portalId: hubspot.portal.id,
          deals,
          gapMs: () => Math.floor(random() * 400),
        });
        const killAfter = Math.floor(random() * KILL_WINDOW_MS);
        await new Promise((r) => setTimeout(r, started + killAfter - Date.now()));
        first.child.kill('SIGKILL');
        await first.exited;
        console.log(`seed=${seed} killed after ${killAfter} ms`);

        const second = await procs.start({ via: 'node', env });
        await procs.ready(second);
        await webhooks;
        const restarted = Date.now();
        await untilSettled(database.db, deals, 120_000);
        console.log(`seed=${seed} settled ${Date.now() - restarted} ms after the restart`);
        await expectEachDealOnce(database.db, { slack: procs.slack, google, deals });
      } finally {
        await database.close();
      }
    },
    180_000,
  );
});
