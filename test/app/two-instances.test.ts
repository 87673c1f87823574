/**
 * Two Thread instances on one database, as a deployment behind a load balancer runs them (one Slack, one
 * set of provider emulators, one public URL, each instance's clock looking at the schedules every second):
 * whichever instance a request, a webhook or a job lands on, the work is done once.
 *
 * Both instances live in this process. They share no memory that matters — each has its own pool, job
 * workers, Bolt app and HTTP server — except the token module's in-process single-flight map, so the
 * refresh case gives B a copy of that module of its own, as a second process would have.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../src/domain/connections/tokens.js';
import { type DeliveryRequest, enqueueDeliveries } from '../../src/domain/deliveries/deliveries.js';
import { deliverJob } from '../../src/listeners/jobs/deliver.js';
import { blocksToText } from '../../src/views/plain-text.js';
import {
  type ConnectorWorld,
  completeConsent,
  connectionRow,
  dmsTo,
  expireTokens,
  linkFrom,
  tokensOfAnotherProcess,
} from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { type ProviderEmulators, startProviderEmulators } from '../emulators/providers.js';
import { SIGNING_SECRET, startTwoTestApps, type TestApp, type TwoTestApps } from '../helpers/app.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';
import { handoffSetUp, ONE_HANDOFF, polling } from '../triggers/polling.js';

let emulators: ProviderEmulators;
let apps: TwoTestApps;
let a: TestApp;
let b: TestApp;
let hubspot: HubSpotEmulator;
// The poll and handoff reads of the trigger tests, with B as the instance whose queue runs the poll.
const onB = {} as ConnectorWorld;
const t = polling(onB);

let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  emulators = await startProviderEmulators();
  hubspot = emulators.byId.hubspot as HubSpotEmulator;
  apps = await startTwoTestApps({ env: emulators.env, jobs: { clockIntervalSeconds: 1 } });
  ({ a, b } = apps);
  Object.assign(onB, { app: b, emulators });
  // As in HubSpot's developer console: the one redirect URI, on the public URL both instances share.
  hubspot.registerRedirectUri(`${a.url}/oauth/hubspot/callback`);
});
afterAll(async () => {
  await apps?.stop();
  await emulators?.close();
});

/** Both instances' log lines, parsed. */
const logsOf = (...instances: TestApp[]) =>
  instances.flatMap((app) => app.logs.map((l) => JSON.parse(l) as Record<string, unknown>));
const jobsDone = (app: TestApp, job: string) =>
  logsOf(app).filter((l) => l.job === job && l.msg === 'job done');
const homeText = async (app: TestApp) => blocksToText((await app.openHome()).blocks as unknown[]);

describe('two instances on one database', () => {
  it('an OAuth callback landing on the other instance connects: one DM, and both Homes show it', async () => {
    const reply = await a.commandReply('connect hubspot');
    const page = await completeConsent(hubspot, linkFrom(reply), 'approve', b.url);
    expect(page.status).toBe(200);
    expect(await connectionRow(a, 'hubspot')).toMatchObject({ status: 'connected' });
    await a.until(() => dmsTo(a, 'UADMIN').length > 0, 'the DM');
    expect(dmsTo(a, 'UADMIN').filter((m) => m.includes('*HubSpot* connected ✅'))).toHaveLength(1);
    const [onA, onBHome] = [await homeText(a), await homeText(b)];
    expect(onA).toMatch(/HubSpot[^\n]*Connected/);
    expect(onBHome).toBe(onA);
  });

  it('a HubSpot deal-stage webhook delivered to both, and a poll on B seeing the same change: one handoff', async () => {
    await handoffSetUp({ app: a, emulators });
    await t.poll('hubspot'); // where watching starts
    const id = '9301';
    hubspot.crm.companies.push({
      id: `${id}01`,
      properties: { name: 'Twice Told Co', domain: 'twice.example' },
    });
    hubspot.crm.associations[id] = { companies: [`${id}01`], contacts: [] };
    hubspot.deals.push({
      id,
      properties: {
        dealname: 'Twice Told Co',
        dealstage: 'qualifiedtobuy',
        pipeline: 'default',
        amount: '1000',
      },
    });
    hubspot.moveDeal(id, 'closedwon');
    // One delivery (one eventId), as HubSpot retries it: here it reaches both instances at once, signed
    // for the public URL HubSpot was given; meanwhile B's poll reads the same change.
    const delivery = [dealStageEvent(hubspot.portal.id, { dealId: Number(id) })];
    const deliver = (app: TestApp) =>
      postHubSpot(`${app.url}/webhooks/hubspot`, delivery, {
        secret: emulators.env.HUBSPOT_CLIENT_SECRET!,
        signedUri: `${a.url}/webhooks/hubspot`,
      });
    const [toA, toB] = await Promise.all([deliver(a), deliver(b), t.poll('hubspot')]);
    expect([toA.status, toB.status]).toEqual([200, 200]);
    await t.handoffDone('hubspot', id);
    await t.eventsProcessed('hubspot', id);

    // The delivery stored once; the poll's sighting is its own event, and the run's key makes them one.
    const events = await t.eventsOf('hubspot', id);
    expect(events.filter((e) => e.event_id === `${hubspot.portal.id}:${delivery[0]!.eventId}`)).toHaveLength(
      1,
    );
    expect(events).toHaveLength(2);
    const outcomes = logsOf(a, b)
      .filter((l) => l.msg === 'trigger event' && l.externalId === id)
      .map((l) => l.outcome);
    expect(outcomes.sort()).toEqual(['already started', 'started']);
    expect(await t.expectOneHandoff('hubspot', id, 'Twice Told Co')).toMatchObject(ONE_HANDOFF);
  });

  it('the same Slack request to either instance gives the same answer, also right after a change made through the other', async () => {
    const same = async (command: string) => {
      const [fromA, fromB] = [await a.commandReply(command), await b.commandReply(command)];
      const text = blocksToText(fromA.blocks as unknown[]);
      expect(blocksToText(fromB.blocks as unknown[])).toBe(text);
      return text;
    };
    expect(await same('status')).toContain('Connected');
    expect(await same('accounts')).toContain('Twice Told Co');
    expect(await same('handoff')).toContain('C0HANDOFF');
    await b.commandReply('handoff channel <#C0ELSEWHERE|cs-elsewhere>');
    expect(await same('handoff')).toContain('C0ELSEWHERE');
  });

  it('one Slack event sent to both instances (its retry reaching the other) is handled once', async () => {
    const body = eventBody(a.teamId, {
      type: 'app_home_opened',
      user: 'UMEMBER',
      channel: 'DHOME',
      tab: 'home',
    });
    const publishes = () =>
      a.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UMEMBER').length;
    const before = publishes();
    const answers = await Promise.all(
      [a, b].map((app) =>
        postSigned(`${app.url}/slack/events`, body, {
          secret: SIGNING_SECRET,
          contentType: 'application/json',
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await a.until(() => publishes() > before, 'the Home published');
    await new Promise((r) => setTimeout(r, 500)); // a second one would have come by now
    expect(publishes()).toBe(before + 1);
  });

  it('an expired connection, 50 concurrent token reads split across both: one refresh at the provider', async () => {
    const row = (await connectionRow(a, 'hubspot'))!;
    const tokensB = await tokensOfAnotherProcess();
    const before = hubspot.tokenRequests.refresh_token;
    await expireTokens(a.thread.services, row.id);
    const reads = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 ? tokensB.getAccessToken(b.thread.services, row.id) : getAccessToken(a.thread.services, row.id),
      ),
    );
    expect(hubspot.tokenRequests.refresh_token - before).toBe(1);
    expect(new Set(reads.map((r) => r.token)).size).toBe(1);
  });

  it('50 deliveries enqueued through A while both work: each posted once, one channel a second', async () => {
    const channels = Array.from({ length: 10 }, (_, c) => `C0SPREAD${c}`);
    const requests: DeliveryRequest[] = Array.from({ length: 50 }, (_, n) => ({
      teamId: a.teamId,
      channel: channels[n % channels.length]!,
      key: `spread-${n}`,
      message: { text: `spread ${n}` },
    }));
    const posts = () =>
      a.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('spread '));
    // Slack holds the first posts: more in flight at once than one instance has workers proves both
    // instances are delivering.
    const releases = channels.map((c) => a.slack.holdPosts(c));
    expect(await enqueueDeliveries(a.thread.services, requests)).toBe(50);
    await a.until(() => posts().length > deliverJob.workers!, 'posts in flight from both instances', 10_000);
    for (const release of releases) release();

    const db = a.thread.services.db;
    const rows = () => db.selectFrom('deliveries').selectAll().where('key', 'like', 'spread-%').execute();
    await a.until(
      async () => (await rows()).every((r) => r.status === 'delivered'),
      'all 50 delivered',
      20_000,
    );
    expect(
      posts()
        .map((p) => p.args.text)
        .sort(),
    ).toEqual(requests.map((r) => r.message.text).sort());
    // Paced: a second between posts to a channel, whichever instance made them, and Slack never said 429
    // (each delivery took one attempt).
    for (const channel of channels) {
      const at = posts()
        .filter((p) => p.args.channel === channel)
        .map((p) => p.at);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    expect((await rows()).map((r) => r.attempts)).toEqual(requests.map(() => 1));
  });

  it('a schedule fires once per due minute across both clocks', async () => {
    // Both clocks have looked at the schedules every second since the start; poll-sources is due every
    // minute, so it was sent at most once for each minute the instances have lived through.
    const sent = await sql<{ id: string }>`
      select id from pgboss.job where name = 'poll-sources'`.execute(a.thread.services.db);
    const minutes = Math.floor(Date.now() / 60_000) - Math.floor(startedAt / 60_000) + 1;
    expect(sent.rows.length).toBeGreaterThan(0);
    expect(sent.rows.length).toBeLessThanOrEqual(minutes);
    // And each ran on one instance, once.
    const ran = [...jobsDone(a, 'poll-sources'), ...jobsDone(b, 'poll-sources')].map((l) => l.jobId);
    expect(new Set(ran).size).toBe(ran.length);
  });
});
