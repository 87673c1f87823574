/**
 * Slash-command ack: signed `/thread help` requests from many clients at once, Thread (signature check,
 * routing, the database-backed app) against a bare Bolt app that acks the same command with a string.
 * Each app has its own Slack emulator: Bolt's first auth.test carries its token in the body, and Thread's
 * secrets scan at stop would rightly count the bare app's token as a leak if they shared one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';
import { startSlackEmulator } from '../test/emulators/slack.js';
import { SIGNING_SECRET, startTestApp } from '../test/helpers/app.js';
import { postSigned, slashCommandBody } from '../test/helpers/slack-requests.js';
import { percentile, runConcurrent } from './load.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';

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

async function measure(url: string, teamId: string, responseUrl: string, sizes: Sizes['ack']) {
  const send = async () => {
    const body = slashCommandBody({ text: 'help', teamId, userId: 'UADMIN', responseUrl });
    const res = await postSigned(`${url}/slack/events`, body, { secret: SIGNING_SECRET });
    if (res.status !== 200) throw new Error(`/thread help answered HTTP ${res.status}`);
    return res.ms;
  };
  const clients = Math.min(sizes.clients, sizes.requests);
  await runConcurrent(sizes.warmup, clients, send);
  return runConcurrent(sizes.requests, clients, send);
}

export async function benchAck(sizes: Sizes['ack']): Promise<Row[]> {
  const bareSlack = await startSlackEmulator();
  const bare = await bareBolt(bareSlack.apiUrl, bareSlack.botToken);
  const thread = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  try {
    const base = await measure(bare.url, bareSlack.teamId, bareSlack.responseUrl(), sizes);
    const ours = await measure(thread.url, thread.teamId, thread.slack.responseUrl(), sizes);
    const clients = Math.min(sizes.clients, sizes.requests);
    const throughput = `${(sizes.requests / base.seconds).toFixed(0)} req/s bare, ${(sizes.requests / ours.seconds).toFixed(0)} req/s Thread`;
    return [50, 99].map((p) =>
      row(
        'ack',
        `/thread help ack p${p}, ${clients} clients`,
        { value: percentile(ours.latencies, p), unit: 'ms' },
        { label: 'bare Bolt', value: percentile(base.latencies, p), unit: 'ms' },
        p === 99 ? { notes: `${sizes.requests} signed requests each; ${throughput}` } : {},
      ),
    );
  } finally {
    await thread.stop();
    await bare.close();
    await bareSlack.close();
  }
}
