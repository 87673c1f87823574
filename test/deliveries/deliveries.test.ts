/** Durable Slack deliveries: once per key, Retry-After honoured by rescheduling, permanent errors end failed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryRequest, deliver, enqueueDelivery } from '../../src/domain/deliveries/deliveries.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const request = (key: string, channel = 'C0HANDOFF'): DeliveryRequest => ({
  teamId: app.teamId,
  channel,
  key,
  message: { text: `handoff ${key}` },
});
const postsOf = (key: string) =>
  app.slack.callsTo('chat.postMessage').filter((c) => c.args.text === `handoff ${key}`);
const row = (key: string) =>
  app.thread.services.db
    .selectFrom('deliveries')
    .selectAll()
    .where('team_id', '=', app.teamId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
const settled = (key: string) =>
  app.until(async () => (await row(key)).status !== 'pending', `delivery ${key} settled`, 20_000);

describe('deliveries', () => {
  it('enqueued twice, and its job run again after it posted: one post, ts recorded', async () => {
    const services = app.thread.services;
    expect(await enqueueDelivery(services, request('once'))).toBe(true);
    expect(await enqueueDelivery(services, request('once'))).toBe(false);
    await settled('once');
    const r = await row('once');
    expect(r.status).toBe('delivered');
    expect(r.slack_ts).toBeTruthy();
    // The job queue delivers at least once: a second run (retry, redelivery) must not post again.
    expect((await deliver(services, r.id, { lastTry: false })).outcome).toBe('already done');
    expect(postsOf('once')).toHaveLength(1);
  });

  it('two runs of the same delivery at the same moment post once', async () => {
    const services = app.thread.services;
    await enqueueDelivery(services, request('race', 'C0RACE'));
    const { id } = await row('race');
    await Promise.all([deliver(services, id, { lastTry: false }), deliver(services, id, { lastTry: false })]);
    await settled('race');
    expect(postsOf('race')).toHaveLength(1);
  });

  it('a 429 from Slack: rescheduled after Retry-After, then posted once', async () => {
    app.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await enqueueDelivery(app.thread.services, request('limited', 'C0LIMITED'));
    await settled('limited');
    const r = await row('limited');
    expect(r.status).toBe('delivered');
    expect(r.attempts).toBe(2);
    // The refused call and the one post that went through, at least Retry-After apart.
    const calls = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0LIMITED');
    expect(calls.length).toBe(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(calls[0]!.at).toBeGreaterThanOrEqual(started);
  });

  it('paces posts to one channel at about one a second', async () => {
    const keys = ['pace-1', 'pace-2', 'pace-3', 'pace-4'];
    for (const k of keys) await enqueueDelivery(app.thread.services, request(k, 'C0PACED'));
    for (const k of keys) await settled(k);
    const rows = await Promise.all(keys.map(row));
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    const times = rows.map((r) => r.delivered_at!.getTime()).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(990);
    expect(keys.flatMap(postsOf)).toHaveLength(4);
  });

  it('channel_not_found: failed at once with a plain reason, never retried', async () => {
    app.slack.failNext('chat.postMessage', 'channel_not_found');
    await enqueueDelivery(app.thread.services, request('gone', 'C0GONE'));
    await settled('gone');
    const r = await row('gone');
    expect(r.status).toBe('failed');
    expect(r.attempts).toBe(1);
    expect(r.last_error).toBe('the channel does not exist, or Thread cannot see it (channel_not_found)');
    await new Promise((res) => setTimeout(res, 2500));
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0GONE')).toHaveLength(1);
  });
});
