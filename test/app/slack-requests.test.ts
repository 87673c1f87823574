import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksToText } from '../../src/views/plain-text.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app.js';
import { postSigned, slackSignature, slashCommandBody } from '../helpers/slack-requests.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('request signing', () => {
  it("matches Slack's published example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  const body = () =>
    slashCommandBody({
      text: 'help',
      teamId: app.teamId,
      userId: 'UADMIN',
      responseUrl: app.slack.responseUrl(),
    });

  it('rejects an unsigned request with 401 and runs no listener', async () => {
    const work = () =>
      app.slack.calls.filter((c) => c.method !== 'auth.test').length + app.slack.responses.length;
    const before = work();
    const res = await postSigned(`${app.url}/slack/events`, body(), {
      secret: SIGNING_SECRET,
      signature: null,
    });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    await new Promise((r) => setTimeout(r, 100));
    expect(work()).toBe(before);
  });

  it('rejects a wrongly signed request with 401', async () => {
    const res = await postSigned(`${app.url}/slack/events`, body(), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
  });

  it('rejects a request whose body was altered after signing', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signature = slackSignature(SIGNING_SECRET, ts, body());
    const res = await postSigned(`${app.url}/slack/events`, body().replace('help', 'connect'), {
      secret: SIGNING_SECRET,
      timestamp: ts,
      signature,
    });
    expect(res.status).toBe(401);
  });

  it('rejects a stale (replayed) request older than 5 minutes with 401', async () => {
    const res = await postSigned(`${app.url}/slack/events`, body(), {
      secret: SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(res.status).toBe(401);
  });

  it('answers a malformed but signed body with 400', async () => {
    const res = await postSigned(`${app.url}/slack/events`, 'payload=%7Bnot-json', {
      secret: SIGNING_SECRET,
    });
    expect(res.status).toBe(400);
  });

  it('answers a body over 1 MB with 413', async () => {
    const huge = `text=${'a'.repeat(1024 * 1024 + 10)}`;
    const res = await postSigned(`${app.url}/slack/events`, huge, { secret: SIGNING_SECRET });
    expect(res.status).toBe(413);
  });

  it('answers unknown routes with 404', async () => {
    const res = await fetch(`${app.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Not found.\n');
    const post = await fetch(`${app.url}/slack/elsewhere`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(404);
  });
});

describe('/thread', () => {
  it('help lists every subcommand with an example, as an ephemeral reply in the ack', async () => {
    const res = await app.command('help');
    expect(res.status).toBe(200);
    expect(res.json?.response_type).toBe('ephemeral');
    const text = blocksToText(res.json?.blocks as unknown[]);
    expect(text).toContain('/thread help');
    expect(text).toContain('e.g.');
    expect(text).not.toMatch(/[{}]"/);
  });

  it('empty text shows help', async () => {
    const res = await app.command('');
    expect(blocksToText(res.json?.blocks as unknown[])).toContain('/thread help');
  });

  it('an unknown subcommand says so, suggests the closest one, and shows help', async () => {
    const res = await app.command('hepl');
    expect(res.json?.response_type).toBe('ephemeral');
    const text = blocksToText(res.json?.blocks as unknown[]);
    expect(text).toContain("I don't know `hepl`. Did you mean `/thread help`?");
    expect(text).toContain('/thread help');
  });

  it('escapes untrusted input echoed back (no <!channel> ping)', async () => {
    const res = await app.command('<!channel>');
    const raw = JSON.stringify(res.json);
    expect(raw).not.toContain('<!channel>');
    expect(raw).toContain('&lt;!channel&gt;');
  });
});

describe('App Home', () => {
  it('publishes the connector dashboard: eight integrations in order, with purpose, capabilities and status', async () => {
    const view = await app.openHome('UMEMBER');
    expect(view.type).toBe('home');
    const text = blocksToText(view.blocks as unknown[]);
    const names = [
      'HubSpot',
      'Salesforce',
      'Slack',
      'Notion',
      'Google Workspace',
      'Microsoft 365',
      'Gong',
      'Zoom',
    ];
    const positions = names.map((n) => text.indexOf(`${n}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toMatch(/HubSpot {3}⚪ Available/);
    expect(text).toMatch(/Slack {3}✅ Connected/);
    // Zoom was "coming soon" in the seed; its connection works now and is labelled Beta.
    expect(text).toMatch(/Zoom \(Beta\) {3}⚪ Available/);
    expect(text).toMatch(/HubSpot {3}⚪ Available[\s\S]*?\[ Connect \]/);
    expect(text).toContain('Workflow triggers · Two-way sync');
    expect(text).toContain('Sales intelligence');
  });
});

describe('health', () => {
  it('reports the database reachable and the version', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'postgres', version: '0.1.0' });
  });
});
