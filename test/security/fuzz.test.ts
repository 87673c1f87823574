/**
 * Property-based fuzzing of what strangers can send: `/thread …` arguments of any shape (unicode, control
 * characters, NUL, quotes, mentions, links, SQL, megabytes-long), and bodies of any shape at every webhook
 * and at Slack's route — signed correctly wherever a signature is checked, so the parsers behind it are
 * reached. The properties: a command always gets a 200 and an answer; a body always gets a 2xx or 4xx,
 * never a 5xx; nothing is logged as a failure and no promise is left rejected unhandled.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subcommands } from '../../src/listeners/slack/commands/index.js';
import { notionSignature } from '../../src/providers/notion/webhook.js';
import { ACTIONS, VIEWS } from '../../src/views/ids.js';
import { SIGNING_SECRET } from '../helpers/app.js';
import { postHubSpot } from '../helpers/hubspot-webhooks.js';
import {
  blockActionPayload,
  eventBody,
  interactivityBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from '../helpers/slack-requests.js';
import { useSecurityWorld } from './world.js';

const world = useSecurityWorld();
const app = () => world.app;
/** Enough runs to find the odd character, few enough for the file to take seconds. */
const RUNS = { numRuns: 150 };
/** A property's runs take seconds alone, longer on a busy machine: room beyond the default 30 s. */
const PATIENCE_MS = 120_000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Log lines at error level or above (pino: 50 and 60) since `from`, in short: what blew up, and why. */
const failuresLoggedSince = (from: number) =>
  app()
    .logs.slice(from)
    .filter((line) => /"level":(50|60)\b/.test(line))
    .map((line) => {
      const { msg, err } = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
      return `${msg}: ${err?.message} ${err?.stack?.split('\n').find((l) => l.includes('/src/')) ?? ''}`;
    });

let logsBefore = 0;
beforeAll(() => {
  logsBefore = app().logs.length;
});
afterEach(async () => {
  await app().thread.services.inflight.drain(5000);
  expect(unhandled, 'unhandled rejections').toEqual([]);
  expect(failuresLoggedSince(logsBefore), 'failures logged').toEqual([]);
  logsBefore = app().logs.length;
});

// ——— What strangers type and send ———

/** Pieces that have broken parsers before: Slack's own escapes, mentions, links, SQL, format characters. */
const TRICKY = [
  '<!channel>',
  '<!here|here>',
  '<@U0SOMEONE|mo>',
  '<#C0GENERAL|general>',
  '<https://evil.example|click>',
  '&lt;!channel&gt;',
  '&amp;',
  "'; drop table accounts; --",
  '%',
  '_',
  '\\',
  '"',
  '`',
  '```',
  '*bold*',
  'ﷺ',
  'hubspot',
  'salesforce',
  'add',
  'remove',
  'channel',
  'sandbox',
  'tomorrow 9am',
];

/**
 * Characters that break parsers and databases, often enough to be met: NUL and other controls, a lone
 * surrogate, Slack's escape characters, quotes, LIKE wildcards, a direction override, an emoji.
 */
const NASTY = ['\u0000', '\u0001', '\u001f', '\u007f', '\ud800', '\u202e', '\ufeff', '\r', '\n', '\t'];
const nastyString = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...NASTY, '<', '>', '&', '|', "'", '"', '`', '\\', '%', '_', '*', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength,
  });
/** Longer than any name: past PostgreSQL's limit for an indexed value (2,704 bytes) and Slack's for a text. */
const huge = fc.integer({ min: 3_000, max: 40_000 }).map((n) => 'é'.repeat(n));

const anyText = fc.oneof(
  { weight: 4, arbitrary: nastyString(60) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 1, arbitrary: huge },
);

/** Words joined by spaces, or by nothing; one run in three has a nasty character dropped in somewhere. */
const args = fc
  .tuple(
    fc.array(anyText, { maxLength: 6 }),
    fc.constantFrom(' ', '', '  '),
    fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...NASTY) }),
    fc.nat(),
  )
  .map(([words, sep, nasty, at]) => {
    const text = words.join(sep);
    const i = text.length ? at % text.length : 0;
    return text.slice(0, i) + nasty + text.slice(i);
  });

const NAMES = subcommands().map((s) => s.name);
const commandText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...NAMES), args).map(([name, rest]) => `${name} ${rest}`),
  },
  { weight: 1, arbitrary: args },
);

/** Any JSON value, strings with any code point (NUL and lone surrogates included). */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  anyJson.map((v) => JSON.stringify(v)),
  anyJson.map((v) => JSON.stringify(v).slice(0, -1)),
);
/** Mostly the right kind of value, now and then anything: so most events pass validation and get stored. */
const mostly = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: right }, { weight: 1, arbitrary: anyJson });

const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 4, arbitrary: nastyString(80) },
  { weight: 1, arbitrary: huge },
);
const idLike = fc.oneof(fc.nat(), anyString);

/** HubSpot events, each field mostly right; the portal is often the connected one. */
const hubspotBatch = () =>
  fc.array(
    fc.record({
      eventId: mostly(idLike),
      portalId: mostly(
        fc.oneof({ weight: 3, arbitrary: fc.constant(world.hubspot.portal.id) }, fc.integer({ min: 1 })),
      ),
      occurredAt: mostly(fc.nat()),
      subscriptionType: mostly(
        fc.oneof({ weight: 3, arbitrary: fc.constant('deal.propertyChange') }, anyString),
      ),
      objectId: mostly(idLike),
      propertyName: mostly(fc.constantFrom('dealstage', 'thread_csm', 'thread_onboarding_stage', 'amount')),
      propertyValue: mostly(anyString),
    }),
    { minLength: 1, maxLength: 3 },
  );

/** Notion events, each field mostly right; the workspace is often the connected one. */
const notionEvent = () =>
  fc.record({
    id: mostly(anyString),
    timestamp: mostly(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    workspace_id: mostly(fc.oneof(fc.constant(world.notion.workspace.id), anyString)),
    type: mostly(
      fc.constantFrom('page.created', 'page.properties_updated', 'page.deleted', 'comment.created'),
    ),
    entity: mostly(fc.record({ id: anyString, type: fc.constantFrom('page', 'database') })),
  });

const count = async (table: 'trigger_events') =>
  Number(
    (
      await app()
        .thread.services.db.selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const rechecks = async () =>
  (
    await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'poll-recheck'`.execute(
      app().thread.services.db,
    )
  ).rows[0]!.n;

/** The events Thread listens to (Slack sends only those the manifest subscribes to). */
const SLACK_EVENTS = [
  'app_home_opened',
  'message',
  'reaction_added',
  'reaction_removed',
  'member_joined_channel',
  'member_left_channel',
];

const expectNot5xx = (status: number, body: unknown) =>
  expect(status, `answered ${status} to ${JSON.stringify(body).slice(0, 200)}`).toBeLessThan(500);

/** A body at Slack's route, correctly signed so the parsers behind the signature check are reached. */
const postToSlackNot5xx = async ({ body, contentType }: { body: string; contentType: string }) => {
  const res = await postSigned(`${app().url}/slack/events`, body, { secret: SIGNING_SECRET, contentType });
  expectNot5xx(res.status, body);
};

// ——— The properties ———

describe('/thread with any arguments', () => {
  it(
    'always answers 200, with something said: in the ack, a reply or a modal',
    async () => {
      await fc.assert(
        fc.asyncProperty(commandText, fc.constantFrom('UADMIN', 'UMEMBER'), async (text, userId) => {
          const responseUrl = app().slack.responseUrl();
          const triggerId = `trigger.${randomUUID()}`;
          const mark = app().logs.length;
          const ack = await postSigned(
            `${app().url}/slack/events`,
            slashCommandBody({ text, teamId: app().teamId, userId, responseUrl, triggerId }),
            { secret: SIGNING_SECRET },
          );
          expect(ack.status).toBe(200);
          const answer =
            ack.text ||
            (await app().until(
              () =>
                JSON.stringify(app().slack.responses.find((r) => r.url === responseUrl)?.body ?? '') ||
                app()
                  .slack.callsTo('views.open')
                  .some((c) => c.args.trigger_id === triggerId),
              `an answer to /thread ${JSON.stringify(text).slice(0, 80)}`,
            ));
          // An answer, and not the apology for a failure on Thread's side.
          expect(String(answer)).not.toContain('failed on our side');
          expect(failuresLoggedSince(mark)).toEqual([]);
        }),
        RUNS,
      );
    },
    PATIENCE_MS,
  );
});

describe('webhook bodies of any shape', () => {
  it(
    'HubSpot, signed with the client secret: 2xx or 4xx, never 5xx',
    async () => {
      const stored = await count('trigger_events');
      await fc.assert(
        fc.asyncProperty(fc.oneof(garbage, hubspotBatch()), async (body) => {
          const res = await postHubSpot(`${app().url}/webhooks/hubspot`, body, {
            secret: world.hubspotSecret,
          });
          expectNot5xx(res.status, body);
        }),
        RUNS,
      );
      // The fuzz reached the store, not only the validation in front of it.
      expect(await count('trigger_events')).toBeGreaterThan(stored);
    },
    PATIENCE_MS,
  );

  it(
    'Notion, signed with the verification token, and unsigned: 2xx or 4xx, never 5xx',
    async () => {
      const queued = await rechecks();
      await fc.assert(
        fc.asyncProperty(fc.oneof(garbage, notionEvent()), fc.boolean(), async (body, signed) => {
          const raw = typeof body === 'string' ? body : JSON.stringify(body);
          const res = await fetch(`${app().url}/webhooks/notion`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(signed ? { 'x-notion-signature': notionSignature(world.notionToken, raw) } : {}),
            },
            body: raw,
          });
          await res.text();
          expectNot5xx(res.status, body);
        }),
        // Valid and signed is a small share of the random ones (some runs drew none): one is always among
        // them, so the check below is about the path, not about luck.
        {
          ...RUNS,
          examples: [
            [
              {
                id: 'fuzz-valid-event',
                timestamp: new Date().toISOString(),
                workspace_id: world.notion.workspace.id,
                type: 'page.properties_updated',
                entity: { id: 'fuzz-page', type: 'page' },
              },
              true,
            ],
          ],
        },
      );
      // Events got past the signature and the validation, to the re-read of their row.
      expect(await rechecks()).toBeGreaterThan(queued);
    },
    PATIENCE_MS,
  );

  it(
    "Slack's route, correctly signed, as a form or as JSON: 2xx or 4xx, never 5xx",
    async () => {
      const form = fc
        .dictionary(
          fc.constantFrom('payload', 'command', 'team_id', 'ssl_check', 'text', 'user_id', 'x'),
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            anyJson.map((v) => JSON.stringify(v)),
            fc.constant('/thread'),
          ),
        )
        .map((fields) => new URLSearchParams(fields).toString());
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            form.map((body) => ({ body, contentType: 'application/x-www-form-urlencoded' })),
            garbage.map((body) => ({ body, contentType: 'application/json' })),
          ),
          postToSlackNot5xx,
        ),
        RUNS,
      );
    },
    PATIENCE_MS,
  );

  it(
    'Slack events and interactivity of every kind Thread listens to, any contents: 2xx or 4xx, never 5xx',
    async () => {
      const who = fc.constantFrom('UADMIN', 'UMEMBER', 'U0STRANGER');
      const ts = fc.constantFrom('1700000000.000100', '');
      // Shaped as Slack shapes them (every field there, of its type); the contents anything.
      const event = fc.record({
        type: fc.constantFrom(...SLACK_EVENTS),
        user: fc.oneof(who, anyString),
        channel: fc.oneof(fc.constantFrom('C0GENERAL', 'C0HANDOFF', 'DHOME'), anyString),
        text: anyString,
        ts: fc.oneof(ts, anyString),
        thread_ts: fc.oneof(ts, anyString),
        tab: fc.constantFrom('home', 'messages'),
        reaction: anyString,
        item: fc.record({ type: fc.constant('message'), channel: fc.constant('C0GENERAL'), ts }),
      });
      const button = fc
        .record({ actionId: fc.constantFrom(...Object.values(ACTIONS)), value: anyString, userId: who })
        .map((a) =>
          blockActionPayload({ ...a, teamId: app().teamId, responseUrl: app().slack.responseUrl() }),
        );
      const input = fc.record({
        type: fc.constantFrom('plain_text_input', 'static_select', 'checkboxes', 'conversations_select'),
        value: anyString,
        selected_option: fc.record({ value: anyString, text: fc.record({ text: anyString }) }),
        selected_conversation: anyString,
        selected_options: fc.array(fc.record({ value: anyString })),
      });
      const submission = fc
        .record({
          // The logs modal has no submit button: Slack sends no submission for it.
          callbackId: fc.constantFrom(...Object.values(VIEWS).filter((id) => id !== VIEWS.logs)),
          privateMetadata: fc.oneof(
            anyString,
            anyJson.map((v) => JSON.stringify(v)),
          ),
          userId: who,
          values: fc.dictionary(anyString, fc.dictionary(anyString, input, { maxKeys: 1 }), { maxKeys: 4 }),
        })
        .map((v) => viewSubmissionPayload({ ...v, teamId: app().teamId }));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            event.map((e) => ({ body: eventBody(app().teamId, e), contentType: 'application/json' })),
            fc.oneof(button, submission).map((p) => ({
              body: interactivityBody(p),
              contentType: 'application/x-www-form-urlencoded',
            })),
          ),
          postToSlackNot5xx,
        ),
        RUNS,
      );
    },
    PATIENCE_MS,
  );
});
