/**
 * Socket Mode (SLACK_APP_TOKEN set): the same listeners answer over the socket, and the HTTP routes are
 * still served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksToText } from '../../src/views/plain-text.js';
import { startSlackEmulator } from '../emulators/slack.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const APP_TOKEN = 'xapp-1-A0THREAD-1-socketsecret';
let app: TestApp;

beforeAll(async () => {
  const slack = await startSlackEmulator({ appToken: APP_TOKEN });
  app = await startTestApp({ slack, env: { SLACK_APP_TOKEN: APP_TOKEN } });
  await slack.socketConnected();
});
afterAll(async () => {
  await app?.stop();
  await app?.slack.close();
});

describe('Socket Mode', () => {
  it('answers /thread help over the socket, in the ack', async () => {
    const ack = await app.slack.socketDeliver('slash_commands', {
      team_id: app.teamId,
      user_id: 'UADMIN',
      channel_id: 'C0GENERAL',
      command: '/thread',
      text: 'help',
      api_app_id: 'A0THREAD',
      response_url: app.slack.responseUrl(),
      trigger_id: 'trigger.1',
    });
    expect(ack.response_type).toBe('ephemeral');
    expect(blocksToText(ack.blocks as unknown[])).toContain('/thread connect <provider>');
  });

  it('publishes App Home from an event over the socket', async () => {
    await app.slack.socketDeliver('events_api', {
      team_id: app.teamId,
      api_app_id: 'A0THREAD',
      type: 'event_callback',
      event_id: 'Ev1',
      event: { type: 'app_home_opened', user: 'UMEMBER', channel: 'D1', tab: 'home' },
      authorizations: [{ team_id: app.teamId, user_id: 'UBOT', is_bot: true }],
    });
    await app.until(() => app.slack.homeOf('UMEMBER'), 'Home published');
    expect(blocksToText(app.slack.homeOf('UMEMBER')!.blocks as unknown[])).toContain('Thread — Connectors');
  });

  it("handles Slack's retry of an event once (same event_id), as over HTTP", async () => {
    const envelope = {
      team_id: app.teamId,
      api_app_id: 'A0THREAD',
      type: 'event_callback',
      event_id: 'EvRetried',
      event: { type: 'app_home_opened', user: 'URETRY', channel: 'D2', tab: 'home' },
      authorizations: [{ team_id: app.teamId, user_id: 'UBOT', is_bot: true }],
    };
    await app.slack.socketDeliver('events_api', envelope);
    await app.until(() => app.slack.homeOf('URETRY'), 'Home published');
    await app.slack.socketDeliver('events_api', envelope); // Slack's retry: a new envelope, the same event
    await new Promise((r) => setTimeout(r, 300));
    const publishes = app.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'URETRY');
    expect(publishes).toHaveLength(1);
  });

  it('tells a workspace Thread is not installed in so, and runs nothing for it', async () => {
    const responseUrl = app.slack.responseUrl();
    const ack = await app.slack.socketDeliver('slash_commands', {
      team_id: 'T0OTHER',
      user_id: 'UADMIN',
      channel_id: 'C0GENERAL',
      command: '/thread',
      text: 'status',
      api_app_id: 'A0THREAD',
      response_url: responseUrl,
      trigger_id: 'trigger.2',
    });
    expect(ack.text).toBe('Thread is not installed in this workspace.');
    await new Promise((r) => setTimeout(r, 150));
    expect(app.slack.responses.filter((r) => r.url === responseUrl)).toEqual([]);
  });

  it('still serves the HTTP routes, but not /slack/events', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(404);
  });
});
