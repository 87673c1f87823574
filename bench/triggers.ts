/**
 * Triggers (issue 8):
 * 1. Trigger → handoff posted: a signed HubSpot webhook for a deal entering Closed Won, until the handoff
 *    post reaches Slack (the emulator records its arrival) — p50/p95 over sequential samples, spaced so
 *    Slack's per-channel pacing never adds to a sample. Goal: p95 ≤ 1 s. The same from a HubSpot poll,
 *    measured from the poll's start (goal: p95 ≤ the interval + 1 s).
 * 2. Webhook ingest: batches of signed events, a few in flight, answered 200 (verified, validated, routed
 *    to the team, stored once, one job queued per event) — events/s next to a bare handler that only
 *    verifies the signature and parses the batch, in the same run. Every event must be stored exactly once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { hubspotBatch, validHubSpotSignature } from '../src/providers/hubspot/webhook.js';
import type { HubSpotEmulator } from '../test/emulators/hubspot.js';
import { dealStageEvent, postHubSpot } from '../test/helpers/hubspot-webhooks.js';
import { percentile, runConcurrent } from './load.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';
import { connect, startWorld } from './world.js';

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

async function ingest(
  url: string,
  secret: string,
  portal: number,
  firstDeal: number,
  sizes: Sizes['triggers'],
) {
  const batches = Array.from({ length: sizes.batches }, (_, b) =>
    Array.from({ length: sizes.batchSize }, (_, i) =>
      // Not the handoff stage: the events are stored and processed, and start no handoff.
      dealStageEvent(portal, { dealId: firstDeal + b * sizes.batchSize + i, stage: 'appointmentscheduled' }),
    ),
  );
  return runConcurrent(sizes.batches, sizes.inFlight, async (i) => {
    const t0 = performance.now();
    const res = await postHubSpot(`${url}/webhooks/hubspot`, batches[i], { secret });
    if (res.status !== 200) throw new Error(`a batch was answered ${res.status}`);
    return performance.now() - t0;
  });
}

const ms = (value: number) => ({ value, unit: 'ms' });

export async function benchTriggers(sizes: Sizes['triggers']): Promise<Row[]> {
  const world = await startWorld();
  const { app, emulators } = world;
  const secret = emulators.env.HUBSPOT_CLIENT_SECRET!;
  const bare = await bareHandler(secret);
  try {
    const hubspot = emulators.byId.hubspot as HubSpotEmulator;
    await connect(app, emulators, 'hubspot');
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
    for (let i = 0; i < sizes.samples; i++) {
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
    for (let i = 0; i < sizes.pollSamples; i++) {
      const id = String(750_000 + i);
      const name = `Polled bench deal ${i}`;
      hubspot.deals.push({
        id,
        properties: { dealname: name, dealstage: 'qualifiedtobuy', pipeline: 'default' },
      });
      hubspot.moveDeal(id, 'closedwon');
      polled.push(await msUntilPosted(name, pollNow));
    }

    // 2. Ingest.
    await ingest(bare.url, secret, portal, 800_000, sizes); // warm-up
    const base = await ingest(bare.url, secret, portal, 900_000, sizes);
    const ours = await ingest(app.url, secret, portal, 1_000_000, sizes);
    const events = sizes.batches * sizes.batchSize;
    const stored = await services.db
      .selectFrom('trigger_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(sql<boolean>`external_id::bigint >= 1000000`)
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== events) throw new Error(`ingest stored ${stored.n} of ${events} events`);
    // Until the queue has handed every event to the workflow (none is the handoff stage).
    const answered = Date.now();
    await app.until(
      async () => {
        const left = await services.db
          .selectFrom('trigger_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('processed_at', 'is', null)
          .executeTakeFirstOrThrow();
        return Number(left.n) === 0;
      },
      'every stored event processed',
      300_000,
    );
    const processed = (Date.now() - answered) / 1000;

    const p95 = percentile(latencies, 95);
    const pollP95 = percentile(polled, 95);
    return [
      row('triggers', 'HubSpot webhook → handoff posted p50', ms(percentile(latencies, 50)), null, {
        notes: `${sizes.samples} webhooks one at a time, until the post reaches Slack`,
      }),
      row('triggers', 'HubSpot webhook → handoff posted p95', ms(p95), null, {
        goal: '≤ 1,000 ms',
        ok: p95 <= 1000,
      }),
      row('triggers', 'HubSpot poll → handoff posted p95', ms(pollP95), null, {
        goal: '≤ 1,000 ms from the poll',
        ok: pollP95 <= 1000,
        notes: `${sizes.pollSamples} deals found by a forced poll, one at a time; p50 ${percentile(polled, 50).toFixed(0)} ms`,
      }),
      row(
        'triggers',
        `HubSpot webhook ingest, batches of ${sizes.batchSize}`,
        { value: events / ours.seconds, unit: 'events/s' },
        { label: 'bare verifier', value: events / base.seconds, unit: 'events/s' },
        {
          notes:
            `${sizes.batches} signed batch${sizes.batches === 1 ? '' : 'es'}, ${sizes.inFlight} in flight; batch p95 ${percentile(ours.latencies, 95).toFixed(0)} ms ` +
            `(bare ${percentile(base.latencies, 95).toFixed(0)} ms); each event stored once, all processed ${processed.toFixed(1)} s after the last answer`,
        },
      ),
    ];
  } finally {
    await bare.close();
    await world.close();
  }
}
