/**
 * HubSpot in trouble while deals close, and no one acting: every API call answered 503 for a minute (an
 * outage; CHAOS_OUTAGE_SECONDS to change it), then every call answered 429 with Retry-After for a while
 * (a storm). Each handoff completes once HubSpot is back — one account, one post, one DM each — and the
 * connection is never put in Error for a trouble that passes.
 */
import { describe, expect, it } from 'vitest';
import { connectionRow } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import { closeDeal, db, type HandoffWorld, stepsOf, useHandoffWorld } from '../workflows/handoff-world.js';
import { type ClosingDeal, closingDeals, expectEachDealOnce, untilSettled } from './handoffs.js';

const OUTAGE_S = Number(process.env.CHAOS_OUTAGE_SECONDS ?? 60);
const STORM_S = 20;
/** The handoff's retries (3 s doubling, six times) take up to about three minutes after the first failure. */
const RECOVERY_MS = 200_000;

const world = useHandoffWorld();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HubSpot connection's status every half second until `done` settles. */
async function statusesUntil(w: HandoffWorld, done: Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  let over = false;
  void done.then(() => {
    over = true;
  });
  while (!over) {
    seen.add(String((await connectionRow(w.app, 'hubspot'))?.status));
    await sleep(500);
  }
  return seen;
}

/** Every deal handed off once, each after failed attempts at reading it (the trouble was felt). */
async function expectRecovered(deals: readonly ClosingDeal[]) {
  await untilSettled(db(world), deals, RECOVERY_MS);
  await expectEachDealOnce(db(world), {
    slack: world.app.slack,
    google: world.emulators.byId.google as GoogleEmulator,
    deals,
  });
  for (const deal of deals) {
    const run = await db(world)
      .selectFrom('workflow_runs')
      .select('steps')
      .where('external_id', '=', deal.id)
      .executeTakeFirstOrThrow();
    expect(stepsOf(run).find((s) => s.name === 'fetch-deal')?.attempts).toBeGreaterThan(1);
  }
  expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('connected');
}

describe('HubSpot in trouble during handoffs, no one acting', () => {
  it(
    `503 to every call for ${OUTAGE_S} s: deals closed at its start and in its middle are each handed off once after it`,
    async () => {
      const deals = closingDeals(world.hubspot, 72_000, 4);
      const outage = world.hubspot.outage(world.hubspot.fault(503), OUTAGE_S * 1000);
      const statuses = statusesUntil(world, outage);
      for (const deal of deals.slice(0, 2)) await closeDeal(world, deal.id);
      await sleep((OUTAGE_S * 1000) / 2);
      for (const deal of deals.slice(2)) await closeDeal(world, deal.id);
      await outage;
      expect([...(await statuses)]).toEqual(['connected']);
      await expectRecovered(deals);
    },
    OUTAGE_S * 1000 + RECOVERY_MS + 30_000,
  );

  it(
    `429 with Retry-After to every call for ${STORM_S} s: each deal handed off once after it`,
    async () => {
      const deals = closingDeals(world.hubspot, 72_100, 3);
      const storm = world.hubspot.outage(world.hubspot.fault(429, { retryAfter: 2 }), STORM_S * 1000);
      const statuses = statusesUntil(world, storm);
      for (const deal of deals) {
        await closeDeal(world, deal.id);
        await sleep(2000);
      }
      await storm;
      expect([...(await statuses)]).toEqual(['connected']);
      await expectRecovered(deals);
    },
    STORM_S * 1000 + RECOVERY_MS + 30_000,
  );
});
