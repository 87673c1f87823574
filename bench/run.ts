/**
 * `npm run bench`: performance targets, measured against a baseline in the same run.
 *
 * 1. `/thread help` ack latency: 500 signed requests at 20 concurrent, Thread (full stack: signature
 *    check, routing, database-backed app) vs a bare Bolt app that acks the same command with a string.
 * 0. Footprint (bench/footprint.ts): start times, idle memory of the app and the embedded server, install
 *    size — each against a bare Bolt app in the same run.
 * 2. Token refresh single-flight (bench/token-refresh.ts): 200 concurrent getAccessToken() calls on an
 *    expired connection → exactly one refresh at the provider, on one instance and on two instances
 *    sharing PostgreSQL (TEST_DATABASE_URL); latency vs the same calls on a fresh connection.
 * 3. Triggers (bench/triggers.ts): HubSpot webhook → handoff posted p50/p95, and webhook ingest
 *    (events/s in batches of 100) next to a bare signature-verifying handler.
 * 4. Deliveries (bench/deliveries.ts): 1,000 posts over 50 channels vs the rate limit's theoretical
 *    minimum, with lost and duplicated counts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';
import { startSlackEmulator } from '../test/emulators/slack.js';
import { SIGNING_SECRET, startTestApp } from '../test/helpers/app.js';
import { postSigned, slashCommandBody } from '../test/helpers/slack-requests.js';
import { benchDeliveries } from './deliveries.js';
import { benchFootprint } from './footprint.js';
import { fmt, percentile, runConcurrent } from './load.js';
import { benchTokenRefresh } from './token-refresh.js';
import { benchTriggers } from './triggers.js';

const TOTAL = 500;
const CONCURRENCY = 20;

async function measureHelp(url: string, teamId: string, responseUrl: string) {
  const send = async () => {
    const res = await postSigned(
      `${url}/slack/events`,
      slashCommandBody({ text: 'help', teamId, userId: 'UADMIN', responseUrl }),
      {
        secret: SIGNING_SECRET,
      },
    );
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return res.ms;
  };
  await runConcurrent(50, CONCURRENCY, send); // warm-up
  return runConcurrent(TOTAL, CONCURRENCY, send);
}

async function bareBolt(slackApiUrl: string, token: string) {
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET });
  const app = new App({ token, receiver, clientOptions: { slackApiUrl } });
  app.command('/thread', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: 'help' });
  });
  const server = createServer(receiver.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function benchHelpAck() {
  const slack = await startSlackEmulator();
  const bare = await bareBolt(slack.apiUrl, slack.botToken);
  const thread = await startTestApp({ slack, env: { LOG_LEVEL: 'warn' } });
  try {
    const base = await measureHelp(bare.url, slack.teamId, slack.responseUrl());
    const ours = await measureHelp(thread.url, slack.teamId, slack.responseUrl());
    const row = (name: string, r: { latencies: number[]; seconds: number }) =>
      `  ${name.padEnd(16)} p50 ${fmt(percentile(r.latencies, 50)).padStart(10)}   p99 ${fmt(percentile(r.latencies, 99)).padStart(10)}   ${(TOTAL / r.seconds).toFixed(0).padStart(5)} req/s`;
    console.log(`/thread help ack latency — ${TOTAL} signed requests, ${CONCURRENCY} concurrent`);
    console.log(row('bare Bolt', base));
    console.log(row('Thread', ours));
    console.log(
      `  ratio Thread/bare: p50 ×${(percentile(ours.latencies, 50) / percentile(base.latencies, 50)).toFixed(2)}, p99 ×${(percentile(ours.latencies, 99) / percentile(base.latencies, 99)).toFixed(2)}`,
    );
  } finally {
    await thread.stop();
    await bare.close();
    await slack.close();
  }
}

/** `npm run bench` runs everything; `npm run bench -- footprint` (or help, refresh, triggers, deliveries) one part. */
async function main() {
  const only = process.argv[2];
  const footprintOk = !only || only === 'footprint' ? await benchFootprint() : true;
  if (!only || only === 'help') await benchHelpAck();
  if (!only || only === 'refresh') await benchTokenRefresh();
  if (!only || only === 'triggers') await benchTriggers();
  if (!only || only === 'deliveries') await benchDeliveries();
  if (!footprintOk) throw new Error('footprint: a budget was exceeded (see above)');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
