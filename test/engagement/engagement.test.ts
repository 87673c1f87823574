/**
 * Engagement through the real app: signed Events API requests (reactions added and removed, thread
 * replies), Slack's retries, people from both sides of a Slack Connect channel, and events from channels
 * Thread does not track — which must cost no database work at all.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentAccounts } from '../../src/domain/engagement/summary.js';
import { silentAccountsBlocks } from '../../src/views/home/engagement.js';
import { blocksToText } from '../../src/views/plain-text.js';
import {
  addPeople,
  CUSTOMER_TEAM,
  makeAccount,
  NAMES,
  reply,
  resetTables,
  sendEvent,
  settled,
  threadPost,
} from '../channels/helpers.js';
import { checkBlock } from '../emulators/slack.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  addPeople(app);
  app.slack.channels.add({ id: 'CSHARED', name: 'acme-shared', is_ext_shared: true, is_member: true });
});
afterAll(async () => {
  await app?.stop();
});
beforeEach(async () => {
  await resetTables(app);
});

const reaction = (user: string, ts: string, name: string, eventTs: string, added = true) => ({
  type: added ? 'reaction_added' : 'reaction_removed',
  user,
  reaction: name,
  item_user: 'UBOT',
  item: { type: 'message', channel: 'CSHARED', ts },
  event_ts: eventTs,
});

const replyEvent = (user: string, threadTs: string, ts: string, extra: Record<string, unknown> = {}) => ({
  type: 'message',
  channel: 'CSHARED',
  channel_type: 'channel',
  user,
  text: 'Thanks! <!channel> see you Tuesday',
  ts,
  thread_ts: threadTs,
  event_ts: ts,
  ...extra,
});

async function counts() {
  const rows = await app.thread.services.db
    .selectFrom('engagement_events')
    .select([
      sql<number>`count(*) filter (where kind = 'reaction' and active)::int`.as('reactions'),
      sql<number>`count(*) filter (where kind = 'reply')::int`.as('replies'),
    ])
    .executeTakeFirstOrThrow();
  return rows;
}

describe('engagement on Thread’s posts in a customer channel', () => {
  it('reactions and replies by customer-side people are counted once, retries and repeats included', async () => {
    await makeAccount(app, 'Acme Corp', { csm: 'UCSM', channel: 'CSHARED' });
    const post = await threadPost(app, 'CSHARED', 'kickoff');

    const first = await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'));
    // Slack retries an event it thinks went unanswered: same event_id, x-slack-retry-num set.
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'), {
      eventId: first.eventId,
      retry: 1,
    });
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'), {
      eventId: first.eventId,
      retry: 2,
    });
    // The same reaction delivered again under a new id (two subscriptions, a replay): still one.
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'));
    const r = await sendEvent(
      app,
      replyEvent('UCUST', post, '1800000002.000200', { user_team: CUSTOMER_TEAM }),
    );
    await sendEvent(app, replyEvent('UCUST', post, '1800000002.000200', { user_team: CUSTOMER_TEAM }), {
      eventId: r.eventId,
      retry: 1,
    });
    await sendEvent(app, replyEvent('UCUST', post, '1800000002.000200', { user_team: CUSTOMER_TEAM }));
    // A guest of ours counts as the customer's side too.
    await sendEvent(app, reaction('UGUEST', post, 'eyes', '1800000003.000300'));
    await settled(app);
    expect(await counts()).toEqual({ reactions: 2, replies: 1 });

    const view = await reply(app, 'account Acme Corp');
    expect(view).toContain('Customer engagement: 2 reactions, 1 reply');
    expect(view).toContain('by @gus, @carl');
  });

  it('a removed reaction is taken off; an older event arriving late does not bring it back', async () => {
    await makeAccount(app, 'Acme Corp', { channel: 'CSHARED' });
    const post = await threadPost(app, 'CSHARED', 'kickoff');
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'));
    await settled(app);
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000005.000100', false));
    await settled(app);
    expect((await counts()).reactions).toBe(0);
    // The "added" again, late (out of order, older event_ts): the removal stands.
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'));
    await settled(app);
    expect((await counts()).reactions).toBe(0);
    // Added again for real, later: counts again.
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000009.000100'));
    await settled(app);
    expect((await counts()).reactions).toBe(1);
  });

  it('our own people, other messages and edits are not customer engagement', async () => {
    await makeAccount(app, 'Acme Corp', { csm: 'UCSM', channel: 'CSHARED' });
    const post = await threadPost(app, 'CSHARED', 'kickoff');
    await sendEvent(app, reaction('UCSM', post, 'thumbsup', '1800000001.000100'));
    await sendEvent(app, replyEvent('UADMIN', post, '1800000002.000100'));
    // A customer reacting to someone else's message, or replying in another thread: not Thread's post.
    await sendEvent(app, reaction('UCUST', '1700000000.999999', 'tada', '1800000003.000100'));
    await sendEvent(app, replyEvent('UCUST', '1700000000.999999', '1800000004.000100'));
    // A top-level message, an edit, a bot's reply.
    await sendEvent(app, { ...replyEvent('UCUST', post, '1800000005.000100'), thread_ts: undefined });
    await sendEvent(app, { ...replyEvent('UCUST', post, '1800000006.000100'), subtype: 'message_changed' });
    await sendEvent(app, { ...replyEvent('UCUST', post, '1800000007.000100'), bot_id: 'BOTHER' });
    await settled(app);
    expect(await counts()).toEqual({ reactions: 0, replies: 0 });
    expect(await reply(app, 'account Acme Corp')).toContain('Customer engagement: none yet');
  });

  it('events from channels Thread does not track are dropped without touching the database', async () => {
    await makeAccount(app, 'Acme Corp', { channel: 'CSHARED' });
    const post = await threadPost(app, 'CSHARED', 'kickoff');
    // Warm the team's tracked-channel cache with one event.
    await sendEvent(app, reaction('UCUST', post, 'tada', '1800000001.000100'));
    await settled(app);
    const usersInfo = app.slack.callsTo('users.info').length;

    // Hold every table an event could read; a handler that touched one would wait here.
    const lock = new pg.Client({ connectionString: app.env.DATABASE_URL });
    await lock.connect();
    await lock.query('begin');
    await lock.query('lock table accounts, deliveries, engagement_events in access exclusive mode');
    const N = 200;
    try {
      for (let i = 0; i < N; i++) {
        const channel = `CRANDOM${i % 20}`;
        await sendEvent(
          app,
          i % 2
            ? {
                ...reaction('UCUST', post, 'tada', `1800000100.${i}`),
                item: { type: 'message', channel, ts: post },
              }
            : { ...replyEvent('UCUST', post, `1800000200.${i}`), channel },
        );
      }
      const handled = await app.thread.services.inflight.drain(10_000);
      expect(handled, 'a handler waited on a locked table').toBe(true);
    } finally {
      await lock.query('rollback');
      await lock.end();
    }
    expect(app.slack.callsTo('users.info').length).toBe(usersInfo);
    expect(await counts()).toEqual({ reactions: 1, replies: 0 });
  });
});

describe('silent accounts on the CSM’s App Home', () => {
  it('lists the CSM’s open accounts with a customer channel and no engagement for N days', async () => {
    const db = app.thread.services.db;
    const quiet = await makeAccount(app, 'Quiet Co', { csm: 'UCSM', channel: 'CQUIET' });
    const never = await makeAccount(app, 'Never Co <!channel>', { csm: 'UCSM', channel: 'CNEVER' });
    const busy = await makeAccount(app, 'Busy Co', { csm: 'UCSM', channel: 'CBUSY' });
    await makeAccount(app, 'Live Co', { csm: 'UCSM', channel: 'CLIVE', stage: 'live' });
    await makeAccount(app, 'Other CSM Co', { csm: 'UADMIN', channel: 'COTHER' });
    await makeAccount(app, 'No Channel Co', { csm: 'UCSM' });
    await db.updateTable('accounts').set({ created_at: sql`now() - interval '30 days'` }).execute();
    const engaged = (accountId: string, channel: string, daysAgo: number) =>
      db
        .insertInto('engagement_events')
        .values({
          team_id: app.teamId,
          account_id: accountId,
          channel_id: channel,
          kind: 'reply',
          item_key: `${accountId}:${daysAgo}`,
          message_ts: '1.1',
          user_id: 'UCUST',
          event_ts: '1.1',
          occurred_at: sql`now() - make_interval(days => ${daysAgo})`,
        })
        .execute();
    await engaged(quiet, 'CQUIET', 10);
    await engaged(busy, 'CBUSY', 2);
    await engaged(busy, 'CBUSY', 20);

    const silent = await silentAccounts(db, app.teamId, 'UCSM', 7);
    expect(silent.map((s) => s.name)).toEqual(['Never Co <!channel>', 'Quiet Co']);
    expect(silent[0]!.lastAt).toBeNull();
    expect((await silentAccounts(db, app.teamId, 'UCSM', 14)).map((s) => s.name)).toEqual([
      'Never Co <!channel>',
    ]);
    expect(never).toBeTruthy();

    const blocks = silentAccountsBlocks(silent, 7);
    for (const b of blocks) expect(checkBlock(b as unknown as Record<string, unknown>)).toBeUndefined();
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    const text = blocksToText(blocks, { names: NAMES });
    expect(text).toContain('Silent for 7+ days');
    expect(text).toContain('Never Co <!channel> in #CNEVER — no customer engagement yet');
    expect(text).toContain('Quiet Co in #CQUIET — last engagement');
    expect(silentAccountsBlocks([], 7)).toEqual([]);
  });
});
