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

  it('paces posts to one channel at about one a second: one-second slots, in order, never a 429', async () => {
    const keys = ['pace-1', 'pace-2', 'pace-3', 'pace-4', 'pace-5'];
    for (const k of keys) await enqueueDelivery(app.thread.services, request(k, 'C0PACED'));
    for (const k of keys) await settled(k);
    const rows = await Promise.all(keys.map(row));
    expect(rows.map((r) => r.status)).toEqual(keys.map(() => 'delivered'));
    // Each stored in the channel's next slot, a second after the one before.
    const slots = rows.map((r) => r.not_before!.getTime());
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(1000);
    // Posted in order, no sooner than their slots, and never refused by Slack's limit (one attempt each).
    const posted = keys.map((k) => postsOf(k)[0]!.at);
    for (let i = 1; i < posted.length; i++) expect(posted[i]!).toBeGreaterThan(posted[i - 1]!);
    for (const [i, slot] of slots.entries()) expect(posted[i]!).toBeGreaterThanOrEqual(slot - 50);
    expect(posted[4]! - posted[0]!).toBeGreaterThanOrEqual(3500);
    expect(rows.map((r) => r.attempts)).toEqual(keys.map(() => 1));
    expect(keys.flatMap(postsOf)).toHaveLength(5);
  });

  it("a post due on its slot still waits when the channel's last post went out late, less than a second ago", async () => {
    const services = app.thread.services;
    const db = services.db;
    // The post before went out late: just now, though its slot was earlier.
    await db
      .insertInto('deliveries')
      .values({
        team_id: app.teamId,
        key: 'late-1',
        channel: 'C0LATE',
        payload: JSON.stringify({ text: 'handoff late-1' }),
        status: 'delivered',
        slack_ts: '1.000001',
        delivered_at: new Date(),
        not_before: new Date(Date.now() - 900),
        updated_at: new Date(),
      })
      .execute();
    const due = await db
      .insertInto('deliveries')
      .values({
        team_id: app.teamId,
        key: 'late-2',
        channel: 'C0LATE',
        payload: JSON.stringify({ text: 'handoff late-2' }),
        not_before: new Date(Date.now() - 100),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const outcome = await deliver(services, due.id, { lastTry: false });
    expect(outcome).toMatchObject({ outcome: 'rescheduled', why: 'pacing' });
    const after = (outcome as { after: Date }).after.getTime();
    expect(after - Date.now()).toBeGreaterThan(500);
    expect((await row('late-2')).attempts).toBe(0);
    await settled('late-2');
    expect(postsOf('late-2')).toHaveLength(1);
  });

  it("a post waits while the channel's post before is still in Slack's hands: never two at once, no 429", async () => {
    // Slack is slow to answer in this channel: the first post is in its hands for 2.5 s, past the
    // second's slot.
    const release = app.slack.holdPosts('C0SLOW');
    for (const k of ['slow-1', 'slow-2']) await enqueueDelivery(app.thread.services, request(k, 'C0SLOW'));
    await app.until(() => postsOf('slow-1').length === 1 || undefined, 'the first post in flight');
    await new Promise((r) => setTimeout(r, 2500));
    expect(postsOf('slow-2')).toEqual([]);
    const answered = Date.now();
    release();
    for (const k of ['slow-1', 'slow-2']) await settled(k);
    // Sent after Slack answered the first, and a second after it: one attempt each, Slack never refused.
    expect(postsOf('slow-2')[0]!.at - answered).toBeGreaterThanOrEqual(1000 - 50);
    expect([(await row('slow-1')).attempts, (await row('slow-2')).attempts]).toEqual([1, 1]);
  });

  it('Slack took the post but the attempt died before recording it: the next attempt finds it, no second post', async () => {
    const services = app.thread.services;
    const db = services.db;
    const { sql } = await import('kysely');
    // The attempt's last write fails, as a process killed right after Slack's answer would never make it.
    await sql`create or replace function lose_record() returns trigger language plpgsql as
      $$ begin if new.key = 'crash' and new.status = 'delivered' then raise exception 'lost'; end if;
      return new; end $$`.execute(db);
    await sql`create trigger lose_record before update on deliveries
      for each row execute function lose_record()`.execute(db);
    try {
      await enqueueDelivery(services, request('crash', 'C0CRASH'));
      await app.until(() => postsOf('crash').length === 1, 'the post at Slack', 5_000);
      // …and its last write refused.
      await new Promise((res) => setTimeout(res, 1000));
    } finally {
      await sql`drop trigger lose_record on deliveries`.execute(db);
    }
    const r0 = await row('crash');
    expect(r0.status).toBe('pending');
    expect(r0.posting_since).not.toBeNull();
    // The dead attempt's lease runs out.
    await db.updateTable('deliveries').set({ claimed_until: null }).where('id', '=', r0.id).execute();
    expect(await deliver(services, r0.id, { lastTry: false })).toMatchObject({
      outcome: 'delivered',
      found: true,
    });
    const r = await row('crash');
    expect(r.status).toBe('delivered');
    expect(app.slack.messages.get('C0CRASH')?.map((m) => m.ts)).toEqual([r.slack_ts]);
    expect(postsOf('crash')).toHaveLength(1);
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
