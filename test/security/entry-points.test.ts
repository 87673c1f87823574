/**
 * Every way into Thread, attacked, in one table: Slack's signed requests (commands, interactivity,
 * events), the provider webhooks, the OAuth callback, and the HTTP surface itself (paths, methods, sizes).
 * Each row names the entry point, the attack, the answer Thread must give and what it may leave behind —
 * most leave nothing: no row written, no job queued, nothing said in Slack. Whatever the row, the answer
 * is never a 5xx and never the contents of a file.
 *
 * Some rows repeat, in one line, a case a focused test already covers (test/app/slack-requests.test.ts,
 * test/app/slack-guard.test.ts, test/connectors/attacks.test.ts, test/triggers/*): the point here is one
 * place that lists every entry point with its answer.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createState } from '../../src/domain/connections/oauth-states.js';
import { completeConsent, connectionRow, linkFrom } from '../connectors/helpers.js';
import { SIGNING_SECRET } from '../helpers/app.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { notionPageEvent, postNotion } from '../helpers/notion-webhooks.js';
import {
  blockActionPayload,
  eventBody,
  interactivityBody,
  postSigned,
  slackSignature,
  slashCommandBody,
} from '../helpers/slack-requests.js';
import { type RawAnswer, rawRequest } from './raw-http.js';
import { changedTables, type Footprint, footprint, settled, toldSince, useSecurityWorld } from './world.js';

const world = useSecurityWorld();
const app = () => world.app;
const events = () => `${app().url}/slack/events`;
const hubspotUrl = () => `${app().url}/webhooks/hubspot`;
const notionUrl = () => `${app().url}/webhooks/notion`;
const now = () => Math.floor(Date.now() / 1000);
const MB = 1024 * 1024;

/** What a request may leave behind; anything not named here must be exactly as it was. */
interface Effect {
  /** Tables whose rows may change. */
  tables?: string[];
  /** Background work may be queued. */
  jobs?: boolean;
  /** Slack may be told something (a reply, a refusal on the Home tab). */
  slack?: boolean;
}
const NOTHING: Effect = {};
/** Thread answers in Slack (a reply, a refusal); nothing is stored or queued. */
const ANSWER_ONLY: Effect = { slack: true };
/** The sign-in link is spent, and that is all. */
const LINK_SPENT: Effect = { tables: ['oauth_states'] };

interface Case {
  entry: string;
  attack: string;
  /** Runs before "before" is measured: what the attack needs (a request to replay, a fresh link). */
  setup?: () => Promise<void>;
  send: () => Promise<RawAnswer>;
  status: number;
  /** Text the answer must contain. */
  says?: string | RegExp;
  /** What Slack must have been told meanwhile (a refusal on the Home tab, say). */
  told?: RegExp;
  effect: Effect;
  /** More to check once the request's work has settled. */
  check?: (answer: RawAnswer) => Promise<void> | void;
}

// ——— Slack ———

const command = (text: string, userId = 'UADMIN', responseUrl = app().slack.responseUrl()) =>
  slashCommandBody({ text, teamId: app().teamId, userId, responseUrl });

/** `/thread <text>`: the ack, and the reply sent to response_url once it arrives. */
async function threadCommand(text: string): Promise<RawAnswer> {
  const responseUrl = app().slack.responseUrl();
  const ack = await postSigned(events(), command(text, 'UADMIN', responseUrl), { secret: SIGNING_SECRET });
  const reply = ack.text
    ? undefined
    : await app().until(() => app().slack.responses.find((r) => r.url === responseUrl), 'the reply');
  return { status: ack.status, text: ack.text || JSON.stringify(reply?.body) };
}

/** A request as Slack sends it, signed once: the same bytes can be sent again. */
function signedOnce(body: string, contentType = 'application/x-www-form-urlencoded', extra = {}) {
  const timestamp = now();
  const signature = slackSignature(SIGNING_SECRET, timestamp, body);
  return () =>
    postSigned(events(), body, { secret: SIGNING_SECRET, timestamp, signature, contentType, ...extra });
}

const slackCases = (): Case[] => {
  let replay: () => Promise<RawAnswer>;
  // One event, delivered twice: a new envelope and signature each time, the same event_id.
  const eventId = `Ev${randomUUID().replaceAll('-', '')}`;
  const homeOpened = (headers: Record<string, string> = {}) =>
    postSigned(
      events(),
      eventBody(app().teamId, { type: 'app_home_opened', user: 'UMEMBER', tab: 'home' }, eventId),
      {
        secret: SIGNING_SECRET,
        contentType: 'application/json',
        headers,
      },
    );
  return [
    {
      entry: 'slash command',
      attack: 'unsigned',
      send: () => postSigned(events(), command('help'), { secret: SIGNING_SECRET, signature: null }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'signed with another secret',
      send: () => postSigned(events(), command('help'), { secret: 'not-the-signing-secret' }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'no timestamp header',
      send: async () => {
        const body = command('help');
        const res = await fetch(events(), {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-signature': slackSignature(SIGNING_SECRET, now(), body),
          },
          body,
        });
        return { status: res.status, text: await res.text() };
      },
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'correctly signed, dated 6 minutes ago (stale)',
      send: () => postSigned(events(), command('help'), { secret: SIGNING_SECRET, timestamp: now() - 360 }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'correctly signed, dated 6 minutes ahead',
      send: () => postSigned(events(), command('help'), { secret: SIGNING_SECRET, timestamp: now() + 360 }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'the same signed request replayed',
      setup: async () => {
        replay = signedOnce(command('status'));
        expect((await replay()).status).toBe(200);
        await settled(app());
      },
      send: () => replay(),
      status: 200,
      effect: NOTHING,
      check: (answer) => expect(answer.text).toBe(''),
    },
    {
      entry: 'interactivity',
      attack: 'a button press signed with another secret',
      send: () =>
        postSigned(
          events(),
          interactivityBody(
            blockActionPayload({
              teamId: app().teamId,
              userId: 'UADMIN',
              actionId: 'connector.disconnect',
              value: 'hubspot',
            }),
          ),
          { secret: 'not-the-signing-secret' },
        ),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'interactivity',
      attack: 'Disconnect, correctly signed, from a workspace Thread is not installed in',
      send: () =>
        postSigned(
          events(),
          interactivityBody(
            blockActionPayload({
              teamId: 'T0OTHER',
              userId: 'UADMIN',
              actionId: 'connector.disconnect',
              value: 'hubspot',
            }),
          ),
          { secret: SIGNING_SECRET },
        ),
      status: 200,
      says: 'Thread is not installed in this workspace.',
      effect: NOTHING,
    },
    {
      entry: 'interactivity',
      attack: 'Disconnect pressed by a member who is not an admin',
      send: () => app().action('connector.disconnect', 'hubspot', 'UMEMBER'),
      status: 200,
      told: /^views\.publish .*Only workspace admins and Thread admins can disconnect HubSpot/m,
      effect: ANSWER_ONLY,
      check: async () => expect((await connectionRow(app(), 'hubspot'))?.status).toBe('connected'),
    },
    {
      entry: 'interactivity',
      attack: 'Retry on a handoff, pressed by a member who is not an admin',
      send: () => app().action('workflow.retry', randomUUID(), 'UMEMBER'),
      status: 200,
      told: /^views\.publish .*Only workspace admins and Thread admins can retry handoffs/m,
      effect: ANSWER_ONLY,
    },
    {
      entry: 'interactivity',
      attack: 'workflow settings saved by a member who is not an admin',
      send: () =>
        app().viewSubmission('workflow.settings', JSON.stringify({ kind: 'general' }), 'UMEMBER', {
          stage: { value: { type: 'plain_text_input', value: 'closedwon' } },
        }),
      status: 200,
      says: 'Only workspace admins and Thread admins can change these settings.',
      effect: NOTHING,
    },
    {
      entry: 'interactivity',
      attack: 'payload=null, correctly signed',
      send: () => postSigned(events(), 'payload=null', { secret: SIGNING_SECRET }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'a form body with broken percent-encoding and no command, correctly signed',
      send: () => postSigned(events(), 'text=%E0%A4%A&team_id=%%41&&=', { secret: SIGNING_SECRET }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'interactivity',
      attack: 'a payload that is not JSON, correctly signed',
      send: () => postSigned(events(), 'payload=%7Bnot-json', { secret: SIGNING_SECRET }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'events',
      attack: 'an event signed with another secret',
      send: () =>
        postSigned(events(), eventBody(app().teamId, { type: 'app_home_opened', user: 'UADMIN' }), {
          secret: 'not-the-signing-secret',
          contentType: 'application/json',
        }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'events',
      attack: "Slack's retry of an event already handled (same event_id)",
      setup: async () => {
        expect((await homeOpened()).status).toBe(200);
        await settled(app());
      },
      send: () => homeOpened({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
      status: 200,
      effect: NOTHING,
    },
    {
      entry: 'events',
      attack: 'malformed JSON, correctly signed',
      send: () =>
        postSigned(events(), '{"type":"event_callback",', {
          secret: SIGNING_SECRET,
          contentType: 'application/json',
        }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'events',
      attack: 'a JSON body that is no kind of Slack request, correctly signed',
      send: () =>
        postSigned(events(), JSON.stringify({ type: 'event_callback', event: 'x' }), {
          secret: SIGNING_SECRET,
          contentType: 'application/json',
        }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'events',
      attack: 'a body over 1 MB, correctly signed',
      send: () => postSigned(events(), `text=${'a'.repeat(MB + 10)}`, { secret: SIGNING_SECRET }),
      status: 413,
      effect: NOTHING,
    },
    {
      entry: 'slash command',
      attack: 'mrkdwn injection: <!channel> as an account name',
      send: () => threadCommand('account <!channel>'),
      status: 200,
      says: '&lt;!channel&gt;',
      effect: ANSWER_ONLY,
      check: (answer) => expect(answer.text).not.toContain('<!channel>'),
    },
    {
      entry: 'slash command',
      attack: 'mrkdwn injection: a user mention as Slack escapes it (<@U123|mo>)',
      send: () => threadCommand('account <@U0SOMEONE|mo>'),
      status: 200,
      says: '&lt;@U0SOMEONE|mo&gt;',
      effect: ANSWER_ONLY,
      check: (answer) => expect(answer.text).not.toContain('<@U0SOMEONE'),
    },
    {
      entry: 'slash command',
      attack: 'mrkdwn injection: a disguised link (<https://evil.example|click>)',
      send: () => threadCommand('account <https://evil.example|click>'),
      status: 200,
      says: '&lt;https://evil.example|click&gt;',
      effect: ANSWER_ONLY,
      check: (answer) => expect(answer.text).not.toContain('<https://evil'),
    },
    {
      entry: 'slash command',
      attack: 'a NUL in an argument (PostgreSQL cannot store one)',
      send: () => threadCommand('account Ac\u0000me'),
      status: 200,
      says: 'No account matches `Acme`',
      effect: ANSWER_ONLY,
    },
    {
      entry: 'slash command',
      attack: "SQL in an argument: account '; drop table accounts; --",
      send: () => threadCommand("account '; drop table accounts; --"),
      status: 200,
      says: 'No account matches',
      effect: ANSWER_ONLY,
      check: async () => {
        const rows = await sql`select count(*) from accounts`.execute(app().thread.services.db);
        expect(rows.rows).toHaveLength(1);
      },
    },
  ];
};

// ——— Provider webhooks ———

const stageEvent = (fields: Parameters<typeof dealStageEvent>[1] = {}) =>
  dealStageEvent(world.hubspot.portal.id, { stage: 'appointmentscheduled', ...fields });

const triggerEventsOf = (eventId: string) =>
  app()
    .thread.services.db.selectFrom('trigger_events')
    .selectAll()
    .where('event_id', '=', `${world.hubspot.portal.id}:${eventId}`)
    .execute();

/** Waits until the trigger events stored by a delivery have been processed by their jobs. */
async function processed(eventId: string) {
  await app().until(
    async () => (await triggerEventsOf(eventId)).every((r) => r.processed_at),
    'the trigger event processed',
    15_000,
  );
}

const webhookCases = (): Case[] => {
  let batch: ReturnType<typeof stageEvent>[];
  const injected = "'; drop table trigger_events; --";
  const notionEvent = () => notionPageEvent(world.notion.workspace.id, randomUUID());
  return [
    {
      entry: 'HubSpot webhook',
      attack: 'unsigned',
      send: () => postHubSpot(hubspotUrl(), [stageEvent()], { secret: world.hubspotSecret, signature: null }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'signed with another secret',
      send: () => postHubSpot(hubspotUrl(), [stageEvent()], { secret: 'not-the-client-secret' }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'correctly signed, dated 6 minutes ago (stale)',
      send: () =>
        postHubSpot(hubspotUrl(), [stageEvent()], {
          secret: world.hubspotSecret,
          timestamp: Date.now() - 6 * 60_000,
        }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'signed over another URL than the public one',
      send: () =>
        postHubSpot(hubspotUrl(), [stageEvent()], {
          secret: world.hubspotSecret,
          signedUri: 'https://elsewhere.example/webhooks/hubspot',
        }),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'a body over 1 MB',
      send: () =>
        postHubSpot(hubspotUrl(), [{ ...stageEvent(), padding: 'x'.repeat(MB) }], {
          secret: world.hubspotSecret,
        }),
      status: 413,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'malformed JSON, correctly signed',
      send: () => postHubSpot(hubspotUrl(), '[{"eventId":', { secret: world.hubspotSecret }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'JSON that is not an event batch, correctly signed',
      send: () => postHubSpot(hubspotUrl(), { hello: 'world' }, { secret: world.hubspotSecret }),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'a delivery replayed (HubSpot retries, or an attacker resends it)',
      setup: async () => {
        batch = [stageEvent()];
        expect((await postHubSpot(hubspotUrl(), batch, { secret: world.hubspotSecret })).status).toBe(200);
        await processed(String(batch[0]!.eventId));
      },
      send: () => postHubSpot(hubspotUrl(), batch, { secret: world.hubspotSecret }),
      status: 200,
      effect: NOTHING,
    },
    {
      entry: 'HubSpot webhook',
      attack: 'SQL in an event id, correctly signed: stored as data',
      send: () =>
        postHubSpot(hubspotUrl(), [{ ...stageEvent(), eventId: injected }], { secret: world.hubspotSecret }),
      status: 200,
      effect: { tables: ['trigger_events'], jobs: true },
      check: async () => {
        expect(await triggerEventsOf(injected)).toHaveLength(1);
        await processed(injected);
      },
    },
    {
      entry: 'HubSpot webhook',
      attack: 'a NUL and a lone surrogate in its fields, correctly signed: stored without them',
      send: () =>
        postHubSpot(hubspotUrl(), [{ ...stageEvent(), eventId: 'nul\u0000id', propertyValue: 'won\ud800' }], {
          secret: world.hubspotSecret,
        }),
      status: 200,
      effect: { tables: ['trigger_events'], jobs: true },
      check: async () => {
        const [row] = await triggerEventsOf('nulid');
        expect(row?.payload).toMatchObject({ stage: 'won\ufffd' });
        await processed('nulid');
      },
    },
    {
      entry: 'Notion webhook',
      attack: 'an event without X-Notion-Signature',
      send: () => postNotion(notionUrl(), notionEvent(), null),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'Notion webhook',
      attack: 'an event signed with another token',
      send: () => postNotion(notionUrl(), notionEvent(), `secret_${'x'.repeat(40)}`),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'Notion webhook',
      attack: 'a forged signature',
      send: () => postNotion(notionUrl(), notionEvent(), world.notionToken, `sha256=${'0'.repeat(64)}`),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'Notion webhook',
      attack: 'an unsigned "verification" whose token is not one Notion issues',
      send: () => postNotion(notionUrl(), { verification_token: '<!channel>' }, null),
      status: 401,
      effect: NOTHING,
    },
    {
      entry: 'Notion webhook',
      attack: 'malformed JSON, correctly signed',
      send: () => postNotion(notionUrl(), '{"id":', world.notionToken),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'Notion webhook',
      attack: 'a body over 1 MB, correctly signed',
      send: () => postNotion(notionUrl(), { ...notionEvent(), padding: 'x'.repeat(MB) }, world.notionToken),
      status: 413,
      effect: NOTHING,
    },
    {
      entry: 'webhooks',
      attack: 'a provider without a webhook',
      send: () => postNotion(`${app().url}/webhooks/salesforce`, { hello: 'world' }, null),
      status: 404,
      effect: NOTHING,
    },
  ];
};

// ——— OAuth ———

/** A fresh sign-in link for `provider`, followed to the provider and back: the callback URL. */
async function callbackUrl(provider = 'hubspot'): Promise<URL> {
  const link = linkFrom(await app().commandReply(`connect ${provider}`));
  const start = await fetch(link, { redirect: 'manual' });
  return new URL(await world.emulators.byId[provider]!.consent(start.headers.get('location')!));
}

const get = async (url: URL | string): Promise<RawAnswer> => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

const oauthCases = (): Case[] => {
  let callback: URL;
  const withCallback =
    (provider = 'hubspot') =>
    async () => {
      callback = await callbackUrl(provider);
    };
  const salesforce = () => world.emulators.byId.salesforce!;
  const codeExchanges = () => salesforce().tokenRequests.authorization_code;
  let ours: Awaited<ReturnType<typeof connectionRow>>;
  let exchangesBefore = 0;
  return [
    {
      entry: 'OAuth callback',
      attack: 'a tampered state',
      setup: withCallback('salesforce'),
      send: () => {
        callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
        exchangesBefore = codeExchanges();
        return get(callback);
      },
      status: 400,
      says: 'This link is not valid',
      effect: NOTHING,
      check: () => expect(codeExchanges()).toBe(exchangesBefore),
    },
    {
      entry: 'OAuth callback',
      attack: 'a state this Thread never issued (another workspace’s link, or made up)',
      send: () => get(`${app().url}/oauth/salesforce/callback?state=${'A'.repeat(43)}&code=abc`),
      status: 400,
      says: 'This link is not valid',
      effect: NOTHING,
    },
    {
      entry: 'OAuth callback',
      attack: 'an expired state',
      setup: async () => {
        await withCallback('salesforce')();
        await app()
          .thread.services.db.updateTable('oauth_states')
          .set({ expires_at: new Date(Date.now() - 1000) })
          .where('used_at', 'is', null)
          .execute();
      },
      send: () => get(callback),
      status: 400,
      says: 'This link has expired',
      effect: NOTHING,
    },
    {
      entry: 'OAuth callback',
      attack: 'a callback replayed after it connected',
      setup: async () => {
        await withCallback('salesforce')();
        expect((await get(callback)).status).toBe(200);
        await settled(app());
      },
      send: () => get(callback),
      status: 400,
      says: 'This link was already used',
      effect: NOTHING,
    },
    {
      entry: 'OAuth callback',
      attack: "HubSpot's state presented at Salesforce's callback",
      setup: withCallback('hubspot'),
      send: () => get(`${app().url}/oauth/salesforce/callback${callback.search}`),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'OAuth callback',
      attack: 'no state',
      send: () => get(`${app().url}/oauth/salesforce/callback?code=abc`),
      status: 400,
      effect: NOTHING,
    },
    {
      entry: 'OAuth callback',
      attack: 'no code',
      setup: withCallback('salesforce'),
      send: () => {
        callback.searchParams.delete('code');
        return get(callback);
      },
      status: 400,
      says: '/thread connect salesforce',
      effect: LINK_SPENT,
    },
    {
      entry: 'OAuth callback',
      attack: 'a provider error whose description is a script',
      setup: withCallback('salesforce'),
      send: () => {
        callback.searchParams.delete('code');
        callback.searchParams.set('error', 'server_error');
        callback.searchParams.set('error_description', '<script>alert(1)</script>');
        return get(callback);
      },
      status: 502,
      says: '&lt;script&gt;',
      effect: LINK_SPENT,
      check: (answer) => expect(answer.text).not.toContain('<script>alert'),
    },
    {
      entry: 'OAuth callback',
      attack: 'cancelled at the provider (error=access_denied)',
      setup: withCallback('salesforce'),
      send: () => {
        callback.searchParams.delete('code');
        callback.searchParams.set('error', 'access_denied');
        return get(callback);
      },
      status: 200,
      says: 'was cancelled',
      effect: LINK_SPENT,
    },
    {
      entry: 'OAuth start',
      attack: "another workspace's sign-in link, opened by one of our admins",
      setup: async () => {
        ours = await connectionRow(app(), 'salesforce');
        const state = await createState(app().thread.services, {
          teamId: 'T0OTHER',
          userId: 'UADMIN',
          provider: 'salesforce',
          pkce: true,
        });
        callback = new URL(`${app().url}/oauth/salesforce/start?state=${state}`);
      },
      // The link is a bearer link (see README): it works, and what it connects goes to the team that
      // asked for it — never to this one.
      send: () => completeConsent(salesforce(), callback.toString()).then((p) => ({ ...p, text: p.html })),
      status: 200,
      effect: { tables: ['oauth_states', 'connections', 'thread_vault', 'integration_logs'], slack: true },
      check: async () => {
        expect(await connectionRow(app(), 'salesforce')).toEqual(ours);
        const theirs = await app()
          .thread.services.db.selectFrom('connections')
          .select('status')
          .where('team_id', '=', 'T0OTHER')
          .execute();
        expect(theirs).toEqual([{ status: 'connected' }]);
      },
    },
    {
      entry: 'OAuth start',
      attack: 'an unknown provider',
      send: () => get(`${app().url}/oauth/evil/start?state=abc`),
      status: 404,
      effect: NOTHING,
    },
  ];
};

// ——— The HTTP surface: paths, methods ———

const FILE_CONTENTS = [
  /root:.*:0:0:/,
  /"devDependencies"/,
  /SLACK_SIGNING_SECRET=/,
  /BEGIN [A-Z ]*PRIVATE KEY/,
];

const raw = (method: string, path: string, body?: string) => () => rawRequest(app().url, method, path, body);

const pathCases = (): Case[] => [
  {
    entry: 'paths',
    attack: 'GET /oauth/../healthz',
    send: raw('GET', '/oauth/../healthz'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'GET /oauth/%2e%2e/%2e%2e/etc/passwd',
    send: raw('GET', '/oauth/%2e%2e/%2e%2e/etc/passwd'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'GET /oauth/%2e%2e/start (a provider named "..")',
    send: raw('GET', '/oauth/%2e%2e/start'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'GET /oauth/hubspot/callback/../../../package.json',
    send: raw('GET', '/oauth/hubspot/callback/../../../package.json'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'GET /package.json',
    send: raw('GET', '/package.json'),
    status: 404,
    effect: NOTHING,
  },
  { entry: 'paths', attack: 'GET /.env', send: raw('GET', '/.env'), status: 404, effect: NOTHING },
  {
    entry: 'paths',
    attack: 'GET /dist/app/thread.js',
    send: raw('GET', '/dist/app/thread.js'),
    status: 404,
    effect: NOTHING,
  },
  { entry: 'paths', attack: 'GET //healthz', send: raw('GET', '//healthz'), status: 404, effect: NOTHING },
  {
    entry: 'paths',
    attack: 'POST /slack//events (double slash), correctly signed',
    send: async () => {
      const body = command('help');
      const ts = String(now());
      return rawRequest(app().url, 'POST', '/slack//events', body, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': slackSignature(SIGNING_SECRET, Number(ts), body),
      });
    },
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'POST /webhooks/hubspot/../notion',
    send: raw('POST', '/webhooks/hubspot/../notion', '{}'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'a path of 8,000 characters',
    send: raw('GET', `/oauth/${'a'.repeat(8000)}/start`),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'paths',
    attack: 'a path of 20,000 characters (past the header limit)',
    send: raw('GET', `/${'a'.repeat(20_000)}`),
    status: 431,
    effect: NOTHING,
  },
  {
    entry: 'methods',
    attack: 'GET /slack/events',
    send: raw('GET', '/slack/events'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'methods',
    attack: 'DELETE /webhooks/hubspot',
    send: raw('DELETE', '/webhooks/hubspot'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'methods',
    attack: 'PUT /healthz',
    send: raw('PUT', '/healthz', 'x'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'methods',
    attack: 'PROPFIND /oauth/hubspot/callback',
    send: raw('PROPFIND', '/oauth/hubspot/callback'),
    status: 404,
    effect: NOTHING,
  },
  {
    entry: 'methods',
    attack: 'a method HTTP does not have (BREW /)',
    send: raw('BREW', '/'),
    status: 400,
    effect: NOTHING,
  },
];

const TABLE: Case[] = [...slackCases(), ...webhookCases(), ...oauthCases(), ...pathCases()];

describe('every entry point, attacked', () => {
  it.each(TABLE.map((c) => [`${c.entry}: ${c.attack} → ${c.status}`, c] as const))('%s', async (_, c) => {
    await c.setup?.();
    const before = await footprint(app());
    const answer = await c.send();
    await settled(app());
    expect(answer.status, answer.text.replace(/<[^>]+>/g, '').slice(-400)).toBe(c.status);
    if (c.says) expect(answer.text).toMatch(c.says);
    for (const contents of FILE_CONTENTS) expect(answer.text).not.toMatch(contents);
    await c.check?.(answer);
    const after = await footprint(app());
    if (c.told) expect(toldSince(before, after).join('\n')).toMatch(c.told);
    expectEffect(c.effect, before, after);
  });
});

function expectEffect(effect: Effect, before: Footprint, after: Footprint): void {
  const allowed = new Set(effect.tables ?? []);
  expect(
    changedTables(before, after).filter((t) => !allowed.has(t)),
    'tables changed',
  ).toEqual([]);
  if (!effect.jobs) expect(after.jobs, 'jobs queued').toBe(before.jobs);
  if (!effect.slack) expect(toldSince(before, after), 'Slack was told').toEqual([]);
}
