/**
 * The gate in front of Bolt's `POST /slack/events`. Bolt verifies signatures too, but lets through what
 * Slack never sends and what it sends twice, so every request first passes here:
 *
 * 1. signed with our signing secret, timestamp within 5 minutes *either way* (Bolt rejects only old
 *    ones; a request dated a year ahead stayed replayable for a year) → else 401, empty body;
 * 2. a body of a kind Slack sends — a slash command, an interactivity payload (a JSON object of a
 *    known type), an Events API envelope, URL verification, SSL check → else 400 at once (Bolt answered
 *    `payload=null` with a 500 and waited 3 s to 404 a body it could not classify);
 * 3. from a workspace Thread is installed in → else a plain "not installed" answer, nothing runs;
 * 4. not seen before: the same signed request twice, or Slack's retry of an event (`x-slack-retry-num`,
 *    same `event_id`), is answered 200 and not processed again. Seen ids live in the database, so this
 *    holds across instances.
 *
 * Then Bolt gets the raw body (`req.rawBody`, which its receiver reads instead of the stream).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import express, { type RequestHandler } from 'express';
import { storable } from '../lib/storable.js';
import type { Services } from './services.js';
import { installedCheck, NOT_INSTALLED, type Workspace } from './tenant.js';

/** Slack's window for request timestamps, in seconds. */
const WINDOW_S = 5 * 60;
/** Seen ids are kept a little longer than a signed request can be replayed. */
const KEEP_SEEN_MS = 2 * WINDOW_S * 1000 + 60_000;
const PRUNE_EVERY_MS = 60_000;

type Kind =
  | { kind: 'command' | 'interactivity'; workspace: Workspace }
  | { kind: 'event'; workspace: Workspace; eventId: string }
  | { kind: 'url_verification' | 'ssl_check' | 'rate_limited' };

export function slackGuard(services: Services): RequestHandler[] {
  const secret = services.config.slack.signingSecret;
  const installed = installedCheck(services);
  const seen = seenRequests(services);
  const readBody = express.raw({ type: () => true, limit: '1mb' });

  const guard: RequestHandler = async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const body = raw.toString('utf8');
      const signature = req.get('x-slack-signature');
      if (!validSignature(secret, req.get('x-slack-request-timestamp'), body, signature)) {
        res.status(401).end();
        return;
      }
      const kind = classify(body, req.get('content-type'));
      if (!kind) {
        res.status(400).type('text/plain').send('Bad request: not a Slack request Thread understands.\n');
        return;
      }
      if ('workspace' in kind && !(await installed(kind.workspace))) {
        res.status(200).type('text/plain').send(NOT_INSTALLED);
        return;
      }
      const id = kind.kind === 'event' ? `event:${kind.eventId}` : `sig:${signature}`;
      if (!(await seen.first(id))) {
        res.status(200).end();
        return;
      }
      (req as { rawBody?: Buffer }).rawBody = raw;
      next();
    } catch (err) {
      next(err);
    }
  };
  return [readBody, guard];
}

function validSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > WINDOW_S) return false;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The interactivity payload types Slack sends (and Bolt routes). */
const INTERACTIVITY = new Set([
  'block_actions',
  'block_suggestion',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
  'shortcut',
  'message_action',
  'view_submission',
  'view_closed',
]);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string field, made storable: ids from the body are looked up and recorded. */
const str = (v: unknown) => (typeof v === 'string' ? storable(v) || undefined : undefined);

/** What kind of Slack request `body` is, parsed the way Bolt will parse it; undefined if none. */
export function classify(body: string, contentType: string | undefined): Kind | undefined {
  // Bolt reads a body as a form only for exactly this content type, and as JSON otherwise.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body);
    if (form.has('payload')) {
      const payload = parseJson(form.get('payload')!);
      if (!isObject(payload) || !INTERACTIVITY.has(String(payload.type))) return undefined;
      // The part Bolt routes on must be there, or it would wait 3 s for a listener and answer 404.
      if (String(payload.type).startsWith('view_') ? !isObject(payload.view) : !hasRoute(payload)) {
        return undefined;
      }
      return { kind: 'interactivity', workspace: interactivityWorkspace(payload) };
    }
    if (form.get('ssl_check')) return { kind: 'ssl_check' };
    if (str(form.get('command'))) {
      return {
        kind: 'command',
        workspace: {
          teamId: str(form.get('team_id')),
          enterpriseId: str(form.get('enterprise_id')),
          isEnterpriseInstall: form.get('is_enterprise_install') === 'true',
        },
      };
    }
    return undefined;
  }
  const json = parseJson(body);
  if (!isObject(json)) return undefined;
  if (json.type === 'url_verification') return { kind: 'url_verification' };
  if (json.type === 'app_rate_limited') return { kind: 'rate_limited' };
  if (json.type === 'event_callback' && isObject(json.event) && str(json.event_id)) {
    // Slack Connect: the installation that receives the event is in `authorizations`, not `team_id`.
    const auth =
      Array.isArray(json.authorizations) && isObject(json.authorizations[0]) ? json.authorizations[0] : {};
    return {
      kind: 'event',
      eventId: str(json.event_id)!,
      workspace: {
        teamId: str(auth.team_id) ?? str(json.team_id),
        enterpriseId: str(auth.enterprise_id) ?? str(json.enterprise_id),
        isEnterpriseInstall: auth.is_enterprise_install === true || json.is_enterprise_install === true,
      },
    };
  }
  return undefined;
}

/** Actions carry `actions`, suggestions a `name`/`action_id`, shortcuts a `callback_id`. */
function hasRoute(p: Obj): boolean {
  switch (p.type) {
    case 'block_actions':
    case 'interactive_message':
      return Array.isArray(p.actions) && p.actions.length > 0;
    case 'shortcut':
    case 'message_action':
      return Boolean(str(p.callback_id));
    default:
      return true;
  }
}

function interactivityWorkspace(p: Obj): Workspace {
  const team = isObject(p.team) ? p.team : {};
  const user = isObject(p.user) ? p.user : {};
  const view = isObject(p.view) ? p.view : {};
  const enterprise = isObject(p.enterprise) ? p.enterprise : {};
  return {
    // A modal opened from a Slack Connect channel names the installing workspace on the view.
    teamId: str(view.app_installed_team_id) ?? str(team.id) ?? str(user.team_id),
    enterpriseId: str(enterprise.id) ?? str(team.enterprise_id),
    isEnterpriseInstall: p.is_enterprise_install === true,
  };
}

/**
 * Socket Mode's half of the dedupe, as Bolt middleware: Slack retries an event it thinks went unanswered
 * with a new envelope but the same `event_id` — handled once, under the same id as over HTTP.
 */
export function socketEventDedupe(services: Services): Middleware<AnyMiddlewareArgs> {
  const seen = seenRequests(services);
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await seen.first(`event:${eventId}`))) return;
    await next();
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Request ids seen recently, in the database; old ones are pruned now and then by whoever is here. */
export function seenRequests(services: Services) {
  let lastPrune = 0;
  const prune = async () => {
    await services.db
      .deleteFrom('slack_request_ids')
      .where('seen_at', '<', new Date(Date.now() - KEEP_SEEN_MS))
      .execute();
  };
  return {
    /** True the first time `id` is seen (and records it); false for a replay or a retry. */
    async first(id: string): Promise<boolean> {
      const inserted = await services.db
        .insertInto('slack_request_ids')
        .values({ id })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        void services.inflight.track(
          prune().catch((err) => services.logger.warn({ err }, 'could not prune seen Slack requests')),
        );
      }
      return Boolean(inserted);
    },
  };
}
