/**
 * The edges of the Slack receiver: requests from the future, replays, Slack's event retries, payloads
 * that are not objects, bodies of no known kind, and workspaces Thread is not installed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app.js';
import {
  blockActionPayload,
  eventBody,
  interactivityBody,
  postSigned,
  slashCommandBody,
} from '../helpers/slack-requests.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const events = () => `${app.url}/slack/events`;
const signed = (body: string, extra: Parameters<typeof postSigned>[2] extends infer O ? Partial<O> : never) =>
  postSigned(events(), body, { secret: SIGNING_SECRET, ...extra });
const command = (text: string, teamId = app.teamId, responseUrl = app.slack.responseUrl()) =>
  slashCommandBody({ text, teamId, userId: 'UADMIN', responseUrl });
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('timestamps', () => {
  it('refuses a correctly signed request dated more than 5 minutes in the future with 401', async () => {
    const responseUrl = app.slack.responseUrl();
    const res = await signed(command('status', app.teamId, responseUrl), {
      timestamp: Math.floor(Date.now() / 1000) + 6 * 60,
    });
    expect(res.status).toBe(401);
    await settle();
    expect(app.slack.responses.filter((r) => r.url === responseUrl)).toEqual([]);
  });

  it('accepts a little clock skew either way', async () => {
    for (const skew of [-60, 60]) {
      const res = await signed(command('help'), { timestamp: Math.floor(Date.now() / 1000) + skew });
      expect(res.status).toBe(200);
    }
  });
});

describe('replays and retries', () => {
  it('the same signed request sent twice is processed once', async () => {
    const responseUrl = app.slack.responseUrl();
    const body = command('status', app.teamId, responseUrl);
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await signed(body, { timestamp });
    const second = await signed(body, { timestamp });
    expect([first.status, second.status]).toEqual([200, 200]);
    await app.until(() => app.slack.responses.some((r) => r.url === responseUrl), 'the reply');
    await settle();
    expect(app.slack.responses.filter((r) => r.url === responseUrl)).toHaveLength(1);
  });

  it("Slack's retries of an event (same event_id, x-slack-retry-num) are handled once", async () => {
    const user = 'URETRY';
    const body = eventBody(app.teamId, { type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' });
    const publishes = () => app.slack.callsTo('views.publish').filter((c) => c.args.user_id === user).length;
    const json = { contentType: 'application/json' };
    expect((await signed(body, json)).status).toBe(200);
    await app.until(() => publishes() === 1, 'the Home tab');
    const retry = await signed(body, {
      ...json,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await settle();
    expect(publishes()).toBe(1);
    // A new event (new event_id) is handled as usual.
    await signed(
      eventBody(app.teamId, { type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' }, 'EvNEW1'),
      json,
    );
    await app.until(() => publishes() === 2, 'the second Home tab');
  });
});

describe('bodies that are not what Slack sends', () => {
  it.each([
    'null',
    '[]',
    '"text"',
    '42',
    'true',
    '{}',
    '{"type":"weird","team":{"id":"T0TEAM1"}}',
    '{"type":"block_actions","team":{"id":"T0TEAM1"},"user":{"id":"UADMIN"}}',
    '{"type":"view_submission","team":{"id":"T0TEAM1"},"user":{"id":"UADMIN"}}',
  ])('payload=%s → 400 at once', async (payload) => {
    const res = await signed(new URLSearchParams({ payload }).toString(), {});
    expect(res.status).toBe(400);
    expect(res.ms).toBeLessThan(1000);
  });

  it.each([
    ['a form with no command, payload or ssl_check', 'foo=bar&team_id=T0TEAM1', undefined],
    ['JSON of no known type', '{"type":"nonsense","team_id":"T0TEAM1"}', 'application/json'],
    ['a JSON array', '[1,2]', 'application/json'],
    ['JSON null', 'null', 'application/json'],
  ])('%s → 400 at once', async (_what, body, contentType) => {
    const res = await signed(body, contentType ? { contentType } : {});
    expect(res.status).toBe(400);
    expect(res.ms).toBeLessThan(1000);
  });

  it("still answers Slack's URL verification and SSL check", async () => {
    const challenge = await signed('{"type":"url_verification","challenge":"c-123","token":"t"}', {
      contentType: 'application/json',
    });
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain('c-123');
    expect((await signed('ssl_check=1&token=t', {})).status).toBe(200);
  });
});

describe('a workspace Thread is not installed in (single-workspace mode)', () => {
  it('gets a plain answer and nothing is created', async () => {
    const db = app.thread.services.db;
    const responseUrl = app.slack.responseUrl();
    const before = app.slack.calls.filter((c) => c.method !== 'auth.test').length;
    const res = await signed(command('connect hubspot', 'T0OTHER', responseUrl), {});
    expect(res.status).toBe(200);
    expect(res.text).toBe('Thread is not installed in this workspace.');
    const action = await signed(
      interactivityBody(
        blockActionPayload({
          teamId: 'T0OTHER',
          userId: 'UADMIN',
          actionId: 'connector.connect',
          value: 'notion',
        }),
      ),
      {},
    );
    expect(action.status).toBe(200);
    const event = await signed(
      eventBody('T0OTHER', { type: 'app_home_opened', user: 'UADMIN', channel: 'D1', tab: 'home' }),
      { contentType: 'application/json' },
    );
    expect(event.status).toBe(200);
    await settle();
    expect(app.slack.responses.filter((r) => r.url === responseUrl)).toEqual([]);
    expect(app.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(before);
    expect(
      await db.selectFrom('oauth_states').selectAll().where('team_id', '=', 'T0OTHER').execute(),
    ).toEqual([]);
    expect(await db.selectFrom('connections').selectAll().where('team_id', '=', 'T0OTHER').execute()).toEqual(
      [],
    );
  });
});
