/** Bad input and attacks on the connect flow and the dashboard: each one refused clearly, nothing lost. */
import { beforeEach, describe, expect, it } from 'vitest';
import { blocksToText } from '../../src/views/plain-text.js';
import { SIGNING_SECRET, startTestApp } from '../helpers/app.js';
import {
  blockActionPayload,
  interactivityBody,
  postSigned,
  viewSubmissionPayload,
} from '../helpers/slack-requests.js';
import { completeConsent, connectionRow, connectVia, linkFrom, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();
beforeEach(async () => {
  await world.app.thread.services.db.deleteFrom('connections').execute();
});

const hubspot = () => world.emulators.byId.hubspot!;
const text = (m: Record<string, unknown>) => blocksToText(m.blocks as unknown[]);

async function freshLink(provider = 'hubspot', user = 'UADMIN') {
  return linkFrom(await world.app.commandReply(`connect ${provider}`, user));
}

async function callbackFor(provider = 'hubspot') {
  const start = await fetch(await freshLink(provider), { redirect: 'manual' });
  return world.emulators.byId[provider]!.consent(start.headers.get('location')!);
}

describe('OAuth state', () => {
  it('a tampered state is refused and nothing is exchanged', async () => {
    const cb = new URL(await callbackFor());
    cb.searchParams.set('state', `${cb.searchParams.get('state')}x`);
    const before = hubspot().tokenRequests.authorization_code;
    const res = await fetch(cb);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This link is not valid');
    expect(hubspot().tokenRequests.authorization_code).toBe(before);
    expect(await connectionRow(world.app, 'hubspot')).toBeUndefined();
  });

  it('an expired link says so and offers the command for a new one', async () => {
    const link = await freshLink();
    await world.app.thread.services.db
      .updateTable('oauth_states')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const res = await fetch(link, { redirect: 'manual' });
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('This link has expired');
    expect(html).toContain('/thread connect hubspot');
  });

  it('a replayed callback is refused: one connection, one code exchange', async () => {
    const cb = await callbackFor();
    expect((await fetch(cb)).status).toBe(200);
    const exchanges = hubspot().tokenRequests.authorization_code;
    const replay = await fetch(cb);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This link was already used');
    expect(hubspot().tokenRequests.authorization_code).toBe(exchanges);
  });

  it("a state made for one provider does not complete another's callback", async () => {
    const cb = new URL(await callbackFor('hubspot'));
    const other = new URL(cb.pathname.replace('/hubspot/', '/salesforce/') + cb.search, world.app.url);
    const res = await fetch(other);
    expect(res.status).toBe(400);
    expect(await connectionRow(world.app, 'salesforce')).toBeUndefined();
  });

  it('the connection lands in the team that asked for the link, whoever opens it', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const rows = await world.app.thread.services.db.selectFrom('connections').select(['team_id']).execute();
    expect(rows).toEqual([{ team_id: world.app.teamId }]);
  });

  it('a callback without state or without code is refused', async () => {
    expect((await fetch(`${world.app.url}/oauth/hubspot/callback?code=abc`)).status).toBe(400);
    const cb = new URL(await callbackFor());
    cb.searchParams.delete('code');
    const res = await fetch(cb);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('/thread connect hubspot');
  });

  it('cancelling at the provider (access_denied) changes nothing and says so', async () => {
    const page = await completeConsent(hubspot(), await freshLink(), 'deny');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Connecting HubSpot was cancelled');
    expect(await connectionRow(world.app, 'hubspot')).toBeUndefined();
  });

  it('a reused authorization code is refused by the provider: clear page, nothing stored', async () => {
    const first = new URL(await callbackFor());
    expect((await fetch(first)).status).toBe(200);
    const before = await connectionRow(world.app, 'hubspot');
    const second = new URL(await callbackFor());
    second.searchParams.set('code', first.searchParams.get('code')!);
    const res = await fetch(second);
    const html = await res.text();
    expect(res.status).toBe(502);
    expect(html).toContain('HubSpot did not connect');
    expect(html).not.toMatch(/at \w+ \(/); // no stack trace
    expect(await connectionRow(world.app, 'hubspot')).toEqual(before);
  });

  it('the same flow finished in two browser tabs gives one connection', async () => {
    const [a, b] = [await callbackFor(), await callbackFor()];
    const pages = await Promise.all([fetch(a), fetch(b)]);
    expect(pages.map((p) => p.status)).toEqual([200, 200]);
    const rows = await world.app.thread.services.db.selectFrom('connections').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('connected');
  });
});

describe('token endpoint failures', () => {
  it('down (500): a clear page and no half-stored connection', async () => {
    const vaultRows = async () =>
      (await world.app.thread.services.db.selectFrom('thread_vault').selectAll().execute()).length;
    const before = await vaultRows();
    hubspot().failNext('token', { status: 503 });
    const page = await completeConsent(hubspot(), await freshLink());
    expect(page.status).toBe(502);
    expect(page.html).toContain('HubSpot did not connect');
    expect(await connectionRow(world.app, 'hubspot')).toBeUndefined();
    expect(await vaultRows()).toBe(before);
  });

  it('garbage (200 with HTML): a clear page and no half-stored connection', async () => {
    hubspot().failNext('token', { garbage: true });
    const page = await completeConsent(hubspot(), await freshLink());
    expect(page.status).toBe(502);
    expect(page.html.replace(/<[^>]+>/g, ''), page.html).toContain('something that is not a token');
    expect(await connectionRow(world.app, 'hubspot')).toBeUndefined();
  });
});

describe('permissions narrower than requested', () => {
  it('marks the connection Permission denied and names the missing scopes', async () => {
    const google = world.emulators.byId.google!;
    google.grantScopes(['openid', 'email', 'https://www.googleapis.com/auth/calendar.events']);
    const page = await connectVia(world.app, google, 'google');
    expect(page.html).toContain('without some permissions');
    expect(page.html).toContain('https://www.googleapis.com/auth/gmail.send');
    const row = await connectionRow(world.app, 'google');
    expect(row?.status).toBe('error');
    expect(row?.error_code).toBe('permission_denied');
    const home = blocksToText((await world.app.openHome()).blocks as unknown[]);
    expect(home).toContain('Permission denied — Reconnect and grant all the permissions Thread asks for.');
    expect(home).toContain('Missing permissions: https://www.googleapis.com/auth/gmail.send');
    // A test call that needs only granted scopes works, but does not hide what is missing.
    expect(text(await world.app.commandReply('test google'))).toContain('✅ Google Workspace test passed');
    expect((await connectionRow(world.app, 'google'))?.error_code).toBe('permission_denied');
  });
});

describe('commands', () => {
  it('/thread status lists every connector with status, account, who connected it and last success', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const status = text(await world.app.commandReply('status', 'UMEMBER'));
    expect(status).toMatch(
      /HubSpot — ✅ Connected · account acme\.com \(portal \d+\) · connected by @UADMIN · last success \d{4}-/,
    );
    expect(status).toContain('Salesforce — ⚪ Available');
    expect(status).toContain('Zoom (Beta) — ⚪ Available');
    expect(status.split('\n').filter((l) => l.includes(' — '))).toHaveLength(8);
  });

  it('connecting a provider whose app is not set up on this server says what to configure', async () => {
    const bare = await startTestApp({ slack: world.app.slack });
    try {
      const reply = text(await bare.commandReply('connect gong'));
      expect(reply).toContain('Gong is not set up on this Thread server yet');
      expect(reply).toContain('GONG_CLIENT_ID');
    } finally {
      await bare.stop();
    }
  });

  it('/thread connect salsforce → did you mean salesforce?', async () => {
    const reply = text(await world.app.commandReply('connect salsforce'));
    expect(reply).toContain("I don't know `salsforce` — did you mean `salesforce`?");
  });

  it('a member who is not an admin is refused politely, naming who can help', async () => {
    await world.app.commandReply('admins add <@UOWNER|omar>', 'UADMIN');
    const reply = text(await world.app.commandReply('connect hubspot', 'UMEMBER'));
    expect(reply).toContain('only workspace admins and Thread admins can connect HubSpot');
    expect(reply).toContain('@UOWNER');
    expect(
      await world.app.thread.services.db
        .selectFrom('oauth_states')
        .where('user_id', '=', 'UMEMBER')
        .selectAll()
        .execute(),
    ).toEqual([]);
  });

  it('a Thread admin who is not a workspace admin may connect', async () => {
    await world.app.commandReply('admins add <@UMEMBER|mo>', 'UADMIN');
    const reply = await world.app.commandReply('connect hubspot', 'UMEMBER');
    expect(linkFrom(reply)).toContain('/oauth/hubspot/start');
    await world.app.commandReply('admins remove <@UMEMBER|mo>', 'UADMIN');
  });
});

describe('dashboard actions are untrusted input', () => {
  it('a button value naming another team, a connection id or a path changes nothing', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const row = await connectionRow(world.app, 'hubspot');
    const opened = world.app.slack.callsTo('views.open').length;
    for (const value of [row!.id, 'T0OTHER:hubspot', '../hubspot']) {
      expect((await world.app.action('connector.disconnect', value)).status).toBe(200);
      expect((await world.app.viewSubmission('connector.disconnect_confirm', value)).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(world.app.slack.callsTo('views.open')).toHaveLength(opened);
    expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('connected');
  });

  it('a correctly signed disconnect from another workspace is refused and the connection stays', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const events = `${world.app.url}/slack/events`;
    const other = { teamId: 'T0OTHER', userId: 'UADMIN' };
    const confirm = await postSigned(
      events,
      interactivityBody(
        viewSubmissionPayload({
          ...other,
          callbackId: 'connector.disconnect_confirm',
          privateMetadata: 'hubspot',
        }),
      ),
      { secret: SIGNING_SECRET },
    );
    const button = await postSigned(
      events,
      interactivityBody(blockActionPayload({ ...other, actionId: 'connector.disconnect', value: 'hubspot' })),
      { secret: SIGNING_SECRET },
    );
    for (const res of [confirm, button]) {
      expect(res.status).toBe(200);
      expect(res.text).toBe('Thread is not installed in this workspace.');
    }
    await new Promise((r) => setTimeout(r, 200));
    const row = await connectionRow(world.app, 'hubspot');
    expect(row?.status).toBe('connected');
    expect(row?.token_secret_id).toBeTruthy();
    expect(hubspot().revocations).toEqual([]);
    const rows = await world.app.thread.services.db.selectFrom('connections').select('team_id').execute();
    expect(rows.map((r) => r.team_id)).toEqual([world.app.teamId]);
  });

  it('a non-admin pressing Disconnect is refused and the connection stays', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    await world.app.action('connector.disconnect', 'hubspot', 'UMEMBER');
    await world.app.until(() => {
      const home = world.app.slack.homeOf('UMEMBER');
      return (
        home &&
        blocksToText(home.blocks as unknown[]).includes(
          'Only workspace admins and Thread admins can disconnect HubSpot',
        )
      );
    }, 'refusal on Home');
    await world.app.viewSubmission('connector.disconnect_confirm', 'hubspot', 'UMEMBER');
    await new Promise((r) => setTimeout(r, 200));
    expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('connected');
  });
});

describe('dashboard buttons', () => {
  it('Connect opens a modal with a personal link; View logs shows recent redacted lines', async () => {
    const opened = () => world.app.slack.callsTo('views.open').length;
    let before = opened();
    await world.app.action('connector.connect', 'notion');
    await world.app.until(() => opened() > before, 'connect modal');
    const modal = world.app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
    const modalText = blocksToText(modal.blocks as unknown[]);
    expect(modalText).toContain('[ Continue to Notion ]');
    expect(JSON.stringify(modal)).toContain('/oauth/notion/start?state=');

    await connectVia(world.app, hubspot(), 'hubspot');
    before = opened();
    await world.app.action('connector.view_logs', 'hubspot');
    await world.app.until(() => opened() > before, 'logs modal');
    const logs = world.app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
    const logText = blocksToText(logs.blocks as unknown[]);
    expect(logText).toMatch(/Connected acme\.com \(portal \d+\)/);
    for (const s of hubspot().issued) expect(JSON.stringify(logs)).not.toContain(s);
  });
});
