/**
 * Triggers (issue 8):
 * 1. Trigger → handoff posted: a signed HubSpot webhook for a deal entering Closed Won, until the handoff
 *    post reaches Slack (the emulator records its arrival) — p50/p95 over sequential samples, spaced so
 *    Slack's per-channel pacing never adds to a sample. Goal: p95 ≤ 1 s. The same from a HubSpot poll,
 *    measured from the poll's start (goal: p95 ≤ the interval + 1 s).
 * 2. Webhook ingest: batches of 100 signed events, 3 in flight, answered 200 (verified, validated, routed
 *    to the team, stored once, one job queued per event) — events/s next to a bare handler that only
 *    verifies the signature and parses the batch, in the same run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { hubspotBatch, validHubSpotSignature } from '../src/providers/hubspot/webhook.js';
import { connectVia } from '../test/connectors/helpers.js';
import type { HubSpotEmulator } from '../test/emulators/hubspot.js';
import { startProviderEmulators } from '../test/emulators/providers.js';
import { startTestApp } from '../test/helpers/app.js';
import { dealStageEvent, postHubSpot } from '../test/helpers/hubspot-webhooks.js';
import { fmt, percentile, runConcurrent } from './load.js';

const SAMPLES = 20;
const POLL_SAMPLES = 10;
const BATCHES = 30;
const BATCH_SIZE = 100;
const IN_FLIGHT = 3;
const CHANNEL = 'C0BENCHHANDOFF';
const MAX_BODY = 1024 * 1024;

/** The baseline: what any HubSpot webhook receiver must do — read, verify v3, parse, answer. */
async function bareHandler(secret: string) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ok = validHubSpotSignature(secret, {
        method: 'POST',
        uri: `${url}${req.url}`,
        body,
        timestamp: req.headers['x-hubspot-request-timestamp'] as string | undefined,
        signature: req.headers['x-hubspot-signature-v3'] as string | undefined,
      });
      if (!ok) return void res.writeHead(401).end();
      const parsed = hubspotBatch.safeParse(JSON.parse(body.toString('utf8')));
      res.writeHead(parsed.success ? 200 : 400).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function ingest(url: string, secret: string, portal: number, firstDeal: number) {
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH_SIZE }, (_, i) =>
      // Not the handoff stage: the events are stored and processed, and start no handoff.
      dealStageEvent(portal, { dealId: firstDeal + b * BATCH_SIZE + i, stage: 'appointmentscheduled' }),
    ),
  );
  return runConcurrent(BATCHES, IN_FLIGHT, async (i) => {
    const t0 = performance.now();
    const res = await postHubSpot(`${url}/webhooks/hubspot`, batches[i], { secret });
    if (res.status !== 200) throw new Error(`a batch was answered ${res.status}`);
    return performance.now() - t0;
  });
}

export async function benchTriggers() {
  const emulators = await startProviderEmulators();
  const app = await startTestApp({ env: emulators.env });
  const secret = emulators.env.HUBSPOT_CLIENT_SECRET!;
  const bare = await bareHandler(secret);
  try {
    for (const [id, emulator] of Object.entries(emulators.byId)) {
      emulator.registerRedirectUri(`${app.url}/oauth/${id}/callback`);
    }
    const hubspot = emulators.byId.hubspot as HubSpotEmulator;
    await connectVia(app, hubspot, 'hubspot');
    await app.commandReply('csm add <@UMEMBER|mo.member>');
    await app.commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
    const portal = hubspot.portal.id;

    /** From `act` to the handoff post of `name` reaching Slack (the emulator records its arrival). */
    const msUntilPosted = async (name: string, act: () => Promise<unknown>) => {
      const t0 = Date.now();
      await act();
      const post = await app.until(
        async () =>
          app.slack
            .callsTo('chat.postMessage')
            .find((c) => c.args.channel === CHANNEL && JSON.stringify(c.args.blocks ?? []).includes(name)),
        `the handoff post of ${name}`,
        30_000,
      );
      // Past the channel's pacing (about one post a second), so the next sample measures Thread only.
      await new Promise((r) => setTimeout(r, 1_200));
      return post.at - t0;
    };

    // 1. Latency first, on an idle queue.
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const id = String(700_000 + i);
      const name = `Bench deal ${i}`;
      hubspot.deals.push({ id, properties: { dealname: name, dealstage: 'closedwon', pipeline: 'default' } });
      latencies.push(
        await msUntilPosted(name, () =>
          postHubSpot(`${app.url}/webhooks/hubspot`, [dealStageEvent(portal, { dealId: Number(id) })], {
            secret,
          }),
        ),
      );
    }
    console.log(`Trigger → handoff posted — ${SAMPLES} HubSpot webhooks, one at a time`);
    console.log(
      `  p50 ${fmt(percentile(latencies, 50))}   p95 ${fmt(percentile(latencies, 95))}   max ${fmt(Math.max(...latencies))}   (goal p95 ≤ 1000 ms)`,
    );

    // 1b. The same from a poll (the fallback when webhooks are not set up): a deal enters Closed Won, the
    // next poll of HubSpot's CRM search sees it. Measured from the poll's start (the interval before it is
    // the team's setting, 60 s by default).
    const services = app.thread.services;
    const pollNow = () =>
      services.jobs.send('poll-source', { teamId: app.teamId, provider: 'hubspot', force: true });
    await pollNow(); // the first poll sets where watching starts
    await app.until(
      async () =>
        (
          await services.db
            .selectFrom('trigger_poll_cursors')
            .select('cursor')
            .where('provider', '=', 'hubspot')
            .executeTakeFirst()
        )?.cursor,
      'the poll baseline',
      10_000,
    );
    const polled: number[] = [];
    for (let i = 0; i < POLL_SAMPLES; i++) {
      const id = String(750_000 + i);
      const name = `Polled bench deal ${i}`;
      hubspot.deals.push({
        id,
        properties: { dealname: name, dealstage: 'qualifiedtobuy', pipeline: 'default' },
      });
      hubspot.moveDeal(id, 'closedwon');
      polled.push(await msUntilPosted(name, pollNow));
    }
    console.log(`Poll → handoff posted — ${POLL_SAMPLES} deals seen by HubSpot's CRM search, one at a time`);
    console.log(
      `  p50 ${fmt(percentile(polled, 50))}   p95 ${fmt(percentile(polled, 95))}   (goal p95 ≤ the poll interval + 1000 ms)`,
    );

    // 2. Ingest.
    await ingest(bare.url, secret, portal, 800_000); // warm-up
    const base = await ingest(bare.url, secret, portal, 900_000);
    const ours = await ingest(app.url, secret, portal, 1_000_000);
    const events = BATCHES * BATCH_SIZE;
    const row = (label: string, r: { latencies: number[]; seconds: number }) =>
      `  ${label.padEnd(16)} ${(events / r.seconds).toFixed(0).padStart(7)} events/s   batch p50 ${fmt(percentile(r.latencies, 50)).padStart(10)}   p95 ${fmt(percentile(r.latencies, 95)).padStart(10)}`;
    console.log(
      `HubSpot webhook ingest — ${BATCHES} batches of ${BATCH_SIZE} signed events, ${IN_FLIGHT} in flight`,
    );
    console.log(row('bare verifier', base));
    console.log(row('Thread', ours));
    console.log(`  ratio Thread/bare throughput: ×${(base.seconds / ours.seconds).toFixed(3)}`);
    const stored = await app.thread.services.db
      .selectFrom('trigger_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(sql<boolean>`external_id::bigint >= 1000000`)
      .executeTakeFirstOrThrow();
    console.log(`  stored ${stored.n} of ${events} events (each once)`);
    // The app stops once the queue has handed every event to the workflow (none is the handoff stage).
    const queued = Date.now();
    await app.until(
      async () => {
        const left = await app.thread.services.db
          .selectFrom('trigger_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('processed_at', 'is', null)
          .executeTakeFirstOrThrow();
        return Number(left.n) === 0;
      },
      'every stored event processed',
      300_000,
    );
    console.log(
      `  all processed ${((Date.now() - queued) / 1000).toFixed(1)} s after the last batch was answered`,
    );
  } finally {
    await bare.close();
    await app.stop();
    await emulators.close();
  }
}
