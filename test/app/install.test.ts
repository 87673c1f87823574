/**
 * Multi-workspace install through Bolt's OAuth: /slack/install → Slack's consent (emulated) →
 * /slack/oauth_redirect → installation stored with the bot token in the vault → the new workspace's
 * requests are authorized with it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../emulators/slack.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app.js';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.js';
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

/** `/thread status` from `teamId`, signed like Slack signs it. */
const statusFrom = (teamId: string) =>
  postSigned(
    `${app.url}/slack/events`,
    slashCommandBody({ text: 'status', teamId, userId: 'UADMIN', responseUrl: app.slack.responseUrl() }),
    { secret: SIGNING_SECRET },
  );

/** Starts an install in a browser: the consent URL and the state cookie Bolt set. */
async function startInstall() {
  const start = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
  return {
    consent: start.headers.get('location')!,
    cookie: start.headers.get('set-cookie')!.split(';')[0]!,
    state: new URL(start.headers.get('location')!).searchParams.get('state')!,
  };
}

describe('multi-workspace install', () => {
  it('before any install, a workspace is told Thread is not installed, and nothing is stored', async () => {
    const res = await statusFrom('T0MULTI');
    expect(res.status).toBe(200);
    expect(res.text).toBe('Thread is not installed in this workspace.');
    expect(await app.thread.services.db.selectFrom('installations').selectAll().execute()).toEqual([]);
  });

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

  it('after the install, another workspace is still told Thread is not installed', async () => {
    const res = await statusFrom('T0ELSEWHERE');
    expect(res.status).toBe(200);
    expect(res.text).toBe('Thread is not installed in this workspace.');
  });

  it('refuses a callback with a forged state: 400, a page that says what to do, no code exchange', async () => {
    const code = app.slack.issueInstallCode();
    const res = await fetch(`${app.url}/slack/oauth_redirect?code=${code}&state=forged`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('This install link is not valid');
    expect(html).toContain('/slack/install');
    expect(app.slack.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('refuses a callback without a code or without a state with 400', async () => {
    const { cookie, state } = await startInstall();
    const noCode = await fetch(`${app.url}/slack/oauth_redirect?state=${state}`, { headers: { cookie } });
    expect(noCode.status).toBe(400);
    const noState = await fetch(`${app.url}/slack/oauth_redirect?code=${app.slack.issueInstallCode()}`, {
      headers: { cookie },
    });
    expect(noState.status).toBe(400);
    expect(app.slack.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('a code Slack refuses (already used, expired): 400 and a fresh start offered', async () => {
    const { cookie, state } = await startInstall();
    const res = await fetch(`${app.url}/slack/oauth_redirect?code=code-never-issued&state=${state}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('/slack/install');
  });

  it('cancelling on Slack’s consent screen is not an error: 200 and a plain page', async () => {
    const { cookie, state } = await startInstall();
    const res = await fetch(`${app.url}/slack/oauth_redirect?error=access_denied&state=${state}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Installing Thread was cancelled');
  });
});
