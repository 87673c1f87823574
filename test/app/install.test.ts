/**
 * Multi-workspace install through Bolt's OAuth: /slack/install → Slack's consent (emulated) →
 * /slack/oauth_redirect → installation stored with the bot token in the vault → the new workspace's
 * requests are authorized with it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../emulators/slack.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dumpAllTables } from '../helpers/table-dump.js';

let app: TestApp;
beforeAll(async () => {
  const slack = await startSlackEmulator({ teamId: 'T0MULTI' });
  app = await startTestApp({
    slack,
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'slack-client-secret-value',
      SLACK_STATE_SECRET: randomBytes(24).toString('hex'),
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await app?.slack.close();
});

describe('multi-workspace install', () => {
  it('installs a workspace and keeps its bot token only in the vault', async () => {
    const start = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const consent = start.headers.get('location')!;
    expect(consent).toContain('/oauth/v2/authorize');
    expect(consent).toContain('scope=commands%2Cchat%3Awrite');
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const back = await fetch(consent, { redirect: 'manual' });
    const callback = back.headers.get('location')!;
    expect(callback.startsWith(`${app.url}/slack/oauth_redirect`)).toBe(true);
    const done = await fetch(callback, { headers: { cookie }, redirect: 'manual' });
    expect(done.status).toBe(200);

    const row = await app.thread.services.db
      .selectFrom('installations')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.team_id).toBe('T0MULTI');
    const issued = app.slack.callsTo('oauth.v2.access');
    expect(issued).toHaveLength(1);
    const dump = await dumpAllTables(app.thread.services.database);
    expect(dump).not.toMatch(/xoxb-/);

    // The installed workspace can now use Thread: Bolt authorizes through our store.
    const home = await app.openHome('UADMIN');
    expect(home.type).toBe('home');
    const publish = app.slack.callsTo('views.publish').at(-1)!;
    expect(publish.token).toMatch(/^xoxb-/);
  });

  it('refuses a callback with a forged state', async () => {
    const code = app.slack.issueInstallCode();
    const res = await fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=forged`, {
      redirect: 'manual',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(app.slack.callsTo('oauth.v2.access')).toHaveLength(1);
  });
});
