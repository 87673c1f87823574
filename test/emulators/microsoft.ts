/**
 * Microsoft emulator: login.microsoftonline.com v2.0 endpoints over http, and Microsoft Graph over
 * **https** — the Graph client only sends the bearer token to https URLs — on a second server with a
 * certificate made at start. The Graph server forwards to the OAuth emulator's API handler, so tokens
 * are checked, the rate limit is spent and `failNext('api', …)` faults apply exactly as for the others.
 *
 * Sources (learn.microsoft.com):
 * - entra/identity-platform/v2-oauth2-auth-code-flow: client credentials in the form body, PKCE S256;
 *   a refresh token only when `offline_access` was granted; the token response's `scope` names Graph
 *   permissions with the resource prefix, in whatever case (the example: `…/mail.read`), and does not
 *   list `offline_access`; the refresh request's `scope` is "Required" and must be within the consented
 *   scopes; each refresh returns a new refresh token, the old one stays valid until it expires; errors
 *   go back to the redirect URI as `error` + an `AADSTS…` description.
 * - entra/identity-platform/reference-error-codes: AADSTS70011 (invalid scope — a typo such as
 *   `Mail.Sned`), AADSTS900144 (missing required parameter), AADSTS700082 (expired refresh token).
 * - entra/identity-platform/scopes-oidc: scope names are case-insensitive; `https://graph.microsoft.com/`
 *   is the resource of a bare name; `openid profile email` may be added to the grant.
 * - graph/throttling-limits ("Outlook service limits"): 10,000 requests per 10 minutes per app per
 *   mailbox; 429 with Retry-After.
 * - No revocation endpoint for an app's tokens (only `POST /me/revokeSignInSessions`).
 * - graph/api/user-sendmail: `POST /me/sendMail`, delegated `Mail.Send`, JSON `{message, saveToSentItems}`;
 *   "If successful, this method returns 202 Accepted response code" with no body; a message without a
 *   valid recipient is a 400 `ErrorInvalidRecipients`; a body that is not the JSON shape is a 400
 *   `RequestBodyRead`.
 */
import { randomUUID } from 'node:crypto';
import { type EmulatorRequest, type EmulatorResponse, serve } from './http.js';
import { startOAuthEmulator, type TokenRecord } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';
import { selfSignedCert } from './tls.js';

const PATHS = { authorize: '/common/oauth2/v2.0/authorize', token: '/common/oauth2/v2.0/token' };

const CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ResourceNotFound',
  429: 'TooManyRequests',
  500: 'generalException',
  503: 'serviceNotAvailable',
};

/** Graph's error body: `{error: {code, message, innerError: {date, request-id, client-request-id}}}`. */
export function graphError(
  status: number,
  message = `HTTP ${status}`,
  code = CODES[status] ?? 'UnknownError',
) {
  const id = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': id, 'client-request-id': id },
    },
  };
}

/** The AADSTS code and sentence Microsoft puts first in `error_description`, per OAuth error. */
const AADSTS: Record<string, [number, string]> = {
  invalid_grant: [700082, 'The refresh token has expired due to inactivity.'],
  invalid_client: [7000215, 'Invalid client secret provided.'],
  invalid_request: [900144, 'The request body must contain a required parameter.'],
  invalid_scope: [70011, "The provided value for the input parameter 'scope' is not valid."],
  unsupported_grant_type: [70003, 'The app requested an unsupported grant type.'],
};

const GRAPH = 'https://graph.microsoft.com/';
/** OpenID Connect scopes: not Graph permissions, never prefixed. */
const OIDC = ['openid', 'profile', 'email', 'offline_access'];
const SCOPES = [
  ...OIDC,
  'User.Read',
  'User.ReadBasic.All',
  'Calendars.Read',
  'Calendars.ReadWrite',
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'Contacts.Read',
  'OnlineMeetings.ReadWrite',
  'Files.Read',
];

/** The v2 token response's `scope`: Graph permissions prefixed and lower-cased, OIDC added, no offline_access. */
function reportScopes(granted: string[]): string {
  const graph = granted.filter((s) => !OIDC.includes(s)).map((s) => GRAPH + s.toLowerCase());
  return [...graph, 'openid', 'profile', 'email'].join(' ');
}

export interface MicrosoftEmulator extends ProviderEmulator {
  /** The Graph server's base URL (https). */
  graphUrl: string;
  /** PEM of the Graph server's self-signed certificate: trust it with `trustGraphCertificates`. */
  graphCa: string;
  user: { id: string; displayName: string; mail: string; userPrincipalName: string };
  tenant: { id: string; displayName: string };
  /** The user's calendar (calendarView, its delta rounds, event creation): tests add, move and delete. */
  calendar: GraphCalendar;
  /** Every message Graph accepted through sendMail, as sent. */
  sentMail: GraphSentMessage[];
}

export interface GraphSentMessage {
  subject: string;
  contentType: string;
  content: string;
  to: { address: string; name?: string }[];
  saveToSentItems: boolean;
}

/** POST /v1.0/me/sendMail: the message's shape checked as Graph checks it; 202 and nothing else. */
function sendMail(req: EmulatorRequest, sent: GraphSentMessage[]): EmulatorResponse {
  if (!String(req.headers['content-type'] ?? '').includes('application/json'))
    return {
      status: 415,
      json: graphError(
        415,
        'A supported MIME type could not be found that matches the content type of the response.',
        'UnsupportedMediaType',
      ),
    };
  const body = req.body as {
    message?: {
      subject?: unknown;
      body?: { contentType?: unknown; content?: unknown };
      toRecipients?: { emailAddress?: { address?: unknown; name?: unknown } }[];
    };
    saveToSentItems?: unknown;
  };
  const m = body.message;
  if (!m || typeof m !== 'object')
    return { status: 400, json: graphError(400, 'Empty Payload. JSON content expected.', 'RequestBodyRead') };
  const to = Array.isArray(m.toRecipients) ? m.toRecipients : [];
  const plain = /^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+\.[^\s<>()",;:\\@]+$/;
  if (
    !to.length ||
    to.some((r) => typeof r.emailAddress?.address !== 'string' || !plain.test(r.emailAddress.address))
  )
    return {
      status: 400,
      json: graphError(400, 'At least one recipient is not valid.', 'ErrorInvalidRecipients'),
    };
  const contentType = String(m.body?.contentType ?? 'text');
  if (!['text', 'html'].includes(contentType.toLowerCase()))
    return {
      status: 400,
      json: graphError(400, `Requested value '${contentType}' was not found.`, 'RequestBodyRead'),
    };
  sent.push({
    subject: String(m.subject ?? ''),
    contentType,
    content: String(m.body?.content ?? ''),
    to: to.map((r) => ({
      address: String(r.emailAddress!.address),
      ...(typeof r.emailAddress?.name === 'string' ? { name: r.emailAddress.name } : {}),
    })),
    saveToSentItems: body.saveToSentItems !== false,
  });
  return { status: 202 };
}

export async function startMicrosoftEmulator(): Promise<MicrosoftEmulator> {
  const user = {
    id: '6e7b768e-07e2-4810-8459-485f84f8f204',
    displayName: 'Ada Lovelace',
    mail: 'ada@contoso.example',
    userPrincipalName: 'ada@contoso.example',
  };
  const tenant = { id: '72f988bf-86f1-41af-91ab-2d7cd011db47', displayName: 'Contoso' };
  const at = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
  const calendar = new GraphCalendar();
  // Links Graph hands out (nextLink, deltaLink) are absolute, on the https Graph server started below.
  let graphBase = '';
  calendar.put({ id: 'AAMkAD1', subject: 'Contoso kickoff', start: at(20), end: at(21) });
  calendar.put({ id: 'AAMkAD2', subject: 'Fabrikam onboarding', start: at(50), end: at(51) });
  calendar.put({ id: 'AAMkAD3', subject: 'Next month', start: at(24 * 30), end: at(24 * 30 + 1) });

  const sentMail: GraphSentMessage[] = [];
  const graph = (req: EmulatorRequest, token: TokenRecord | undefined): EmulatorResponse => {
    if (!token)
      return { status: 401, json: graphError(401, 'Lifetime validation failed, the token is expired.') };
    const has = (...scopes: string[]) => token.scopes.some((s) => scopes.includes(s.toLowerCase()));
    const denied = {
      status: 403,
      json: graphError(403, 'Access is denied. Check credentials and try again.'),
    };
    if (req.path === '/v1.0/me/calendarView/delta' || req.path === '/v1.0/me/events') {
      if (req.method === 'GET' ? !has('calendars.read', 'calendars.readwrite') : !has('calendars.readwrite'))
        return denied;
      return calendar.route(req, graphBase);
    }
    if (req.method === 'POST' && req.path === '/v1.0/me/sendMail')
      return has('mail.send') ? sendMail(req, sentMail) : denied;
    if (req.method !== 'GET')
      return { status: 405, json: graphError(405, 'Method not allowed', 'Request_BadRequest') };
    if (req.path === '/v1.0/me')
      return has('user.read') ? { json: { '@odata.context': 'me', ...user } } : denied;
    if (req.path === '/v1.0/organization') return has('user.read') ? { json: { value: [tenant] } } : denied;
    if (req.path === '/v1.0/me/calendarView') {
      if (!has('calendars.read', 'calendars.readwrite')) return denied;
      const q = req.url.searchParams;
      const from = Date.parse(q.get('startDateTime') ?? '');
      const to = Date.parse(q.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) {
        return {
          status: 400,
          json: graphError(
            400,
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
            'ErrorInvalidParameter',
          ),
        };
      }
      const top = Number(q.get('$top') ?? 10);
      const hits = calendar.view(from, to);
      return {
        json: {
          '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('me')/calendarView",
          value: hits.slice(0, top).map((e) => calendar.render(e, req.headers.prefer)),
          ...(hits.length > top ? { '@odata.nextLink': `${req.url.pathname}?$skip=${top}` } : {}),
        },
      };
    }
    return {
      status: 404,
      json: graphError(404, `Resource not found for the segment '${req.path.split('/').pop()}'.`),
    };
  };

  const core = await startOAuthEmulator({
    name: 'microsoft',
    paths: PATHS,
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: 'optional',
    refreshTokens: 'rotated-old-valid',
    // entra/identity-platform/refresh-tokens: 90 days (24 hours for single-page apps).
    refreshTokenDays: 90,
    accessTokenTtl: 3599,
    scopes: { separator: ' ', known: SCOPES, caseInsensitive: true, prefix: GRAPH, report: reportScopes },
    refreshTokenFor: ({ scopes }) => scopes.includes('offline_access'),
    refreshNeedsScope: true,
    authorizeErrors: 'redirect',
    rateLimit: { limit: 10_000, windowMs: 10 * 60_000, answer: tooManyRequests(graphError) },
    extraTokenFields: () => ({ token_type: 'Bearer', ext_expires_in: 3599 }),
    oauthError: (error, description) => {
      const [code, sentence] = AADSTS[error] ?? [90000, 'The request failed.'];
      const [trace, correlation, timestamp] = [randomUUID(), randomUUID(), new Date().toISOString()];
      return {
        status: error === 'invalid_client' ? 401 : 400,
        json: {
          error,
          error_description: `AADSTS${code}: ${sentence} (${description}) Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
          error_codes: [code],
          timestamp,
          trace_id: trace,
          correlation_id: correlation,
        },
      };
    },
    api: (req, { token }) => graph(req, token),
  });

  // Graph over https: relay to the OAuth emulator (plain http, loopback) so its token checks and fault
  // queue apply; only Graph's versioned paths are served.
  const tls = selfSignedCert();
  const graphServer = await serve(async (req) => {
    if (!/^\/(v1\.0|beta)\//.test(req.path))
      return { status: 404, json: graphError(404, 'Invalid version.') };
    const res = await fetch(`${core.url}${req.url.pathname}${req.url.search}`, {
      method: req.method,
      headers: {
        ...(req.headers.authorization ? { authorization: String(req.headers.authorization) } : {}),
        ...(req.headers['content-type'] ? { 'content-type': String(req.headers['content-type']) } : {}),
        ...(req.headers.prefer ? { prefer: String(req.headers.prefer) } : {}),
      },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.rawBody,
    });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'www-authenticate']) {
      const v = res.headers.get(name);
      if (v) headers[name] = v;
    }
    return { status: res.status, headers, text: await res.text() };
  }, tls);
  graphBase = graphServer.url;

  // No revocation endpoint, and MICROSOFT_API_URL is the Graph server, not the OAuth one. Faults queued
  // with `failNext('api', emulator.fault(…))` still reach Graph: it relays to the OAuth server's API.
  const emulator = withProviderExtras(core, { prefix: 'MICROSOFT', errorBody: graphError });
  emulator.env.MICROSOFT_API_URL = `${graphServer.url}/`;
  const closeOAuth = emulator.close;
  return Object.assign(emulator, {
    graphUrl: graphServer.url,
    graphCa: tls.cert,
    user,
    tenant,
    calendar,
    sentMail,
    async close() {
      await Promise.all([graphServer.close(), closeOAuth()]);
    },
  });
}

// ---- Outlook calendar on Graph: calendarView delta rounds and event creation -------------------------
//
// Sources (learn.microsoft.com/graph):
// - api/event-delta and delta-query-events: `GET /me/calendarView/delta?startDateTime=…&endDateTime=…`
//   (both required on the round's first request; later requests follow the links as given, their
//   tokens carry the window); `Prefer: odata.maxpagesize=n` sets the page size; pages end with
//   `@odata.nextLink` (more now) or `@odata.deltaLink` (the next round); the full round lists what
//   exists, later rounds what changed, a deleted event as `{ id, "@removed": { reason: "deleted" } }`;
//   series come as their occurrences (`type: "occurrence"`, `seriesMasterId`).
// - delta-query-overview ("Synchronization reset"): Outlook delta tokens live in a cache of bounded
//   size; an evicted token answers 410 Gone, and the client starts a new round.
// - api/user-list-calendarview ("Request headers"): times come in the event's own zone unless
//   `Prefer: outlook.timezone="…"` names one; `dateTime` carries no offset, the zone is `timeZone`.
// - api/user-post-events: `POST /me/events` needs Calendars.ReadWrite; `start`/`end` are
//   dateTimeTimeZone values (required); 201 with the event; attendees are invited.
// - resources/event: an all-day event has `isAllDay: true` and starts and ends at midnight.

/** The zones this emulator can render (Windows names, as Outlook uses), with their fixed offsets. */
const ZONES: Record<string, number> = { UTC: 0, 'Tokyo Standard Time': 9 * 3600_000 };

export interface GraphEventInput {
  id?: string;
  subject: string;
  /** Instants (ISO). */
  start: string;
  end: string;
  /** The organiser's zone (a Windows name); times are rendered in it without the UTC preference. */
  timeZone?: string;
  isAllDay?: boolean;
  attendees?: string[];
  /** A weekly series of this many occurrences. */
  weekly?: number;
  location?: string;
}

interface StoredGraphEvent extends GraphEventInput {
  id: string;
  removed: boolean;
  changed: number;
}

interface DeltaState {
  since: number;
  from: number;
  to: number;
  at: number;
  offset?: number;
}

export class GraphCalendar {
  private readonly events = new Map<string, StoredGraphEvent>();
  private changes = 0;
  private oldestValid = 0;
  /** The Prefer header of every delta request, for tests. */
  readonly deltaPrefers: string[] = [];

  put(event: GraphEventInput): string {
    const id = event.id ?? `AAMk${Math.random().toString(36).slice(2, 12)}`;
    this.events.set(id, { ...event, id, removed: false, changed: ++this.changes });
    return id;
  }

  remove(id: string): void {
    const e = this.events.get(id);
    if (e) this.events.set(id, { ...e, removed: true, changed: ++this.changes });
  }

  get(id: string): StoredGraphEvent | undefined {
    return this.events.get(id);
  }

  /** The service forgets every delta token issued so far (410 on the next use). */
  expireDeltaTokens(): void {
    this.oldestValid = this.changes + 1;
  }

  /** Occurrences and single events overlapping [from, to), for calendarView. */
  view(from: number, to: number): StoredGraphEvent[] {
    return [...this.events.values()]
      .flatMap(occurrences)
      .filter((e) => !e.removed && Date.parse(e.end) > from && Date.parse(e.start) < to);
  }

  route(req: EmulatorRequest, base: string): EmulatorResponse {
    if (req.path === '/v1.0/me/events') {
      if (req.method !== 'POST') return { status: 405, json: graphError(405, 'Method not allowed') };
      return this.create(req);
    }
    if (req.method !== 'GET') return { status: 405, json: graphError(405, 'Method not allowed') };
    return this.delta(req, base);
  }

  private delta(req: EmulatorRequest, base: string): EmulatorResponse {
    const q = req.url.searchParams;
    const prefer = String(req.headers.prefer ?? '');
    this.deltaPrefers.push(prefer);
    let state: DeltaState;
    const token = q.get('$deltatoken') ?? q.get('$skiptoken');
    if (token) {
      try {
        state = JSON.parse(Buffer.from(token, 'base64url').toString()) as DeltaState;
      } catch {
        return { status: 400, json: graphError(400, 'Invalid delta token.', 'BadRequest') };
      }
      // A delta link starts a new round of changes: everything after its point, up to now.
      if (q.has('$deltatoken')) state = { ...state, at: this.changes, offset: 0 };
      if (state.since >= 0 && state.since < this.oldestValid) {
        return {
          status: 410,
          json: graphError(
            410,
            'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
            'SyncStateNotFound',
          ),
        };
      }
    } else {
      const from = Date.parse(q.get('startDateTime') ?? '');
      const to = Date.parse(q.get('endDateTime') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) {
        return {
          status: 400,
          json: graphError(
            400,
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
            'ErrorInvalidParameter',
          ),
        };
      }
      state = { since: -1, from, to, at: this.changes };
    }
    const full = state.since < 0;
    const items = [...this.events.values()]
      .filter((e) => e.changed > state.since && e.changed <= state.at)
      .flatMap(occurrences)
      .filter((e) => (e.removed ? !full : Date.parse(e.end) > state.from && Date.parse(e.start) < state.to));
    const size = Number(/odata\.maxpagesize=(\d+)/.exec(prefer)?.[1] ?? 100);
    const offset = state.offset ?? 0;
    const page = items.slice(offset, offset + size);
    const link = (s: DeltaState, kind: '$skiptoken' | '$deltatoken') =>
      `${base}/v1.0/me/calendarView/delta?${kind}=${Buffer.from(JSON.stringify(s)).toString('base64url')}`;
    const more = offset + size < items.length;
    return {
      json: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(event)',
        value: page.map((e) =>
          e.removed
            ? { '@odata.type': '#microsoft.graph.event', id: e.id, '@removed': { reason: 'deleted' } }
            : this.render(e, prefer),
        ),
        ...(more
          ? { '@odata.nextLink': link({ ...state, offset: offset + size }, '$skiptoken') }
          : {
              '@odata.deltaLink': link(
                { since: state.at, from: state.from, to: state.to, at: 0 },
                '$deltatoken',
              ),
            }),
      },
    };
  }

  private create(req: EmulatorRequest): EmulatorResponse {
    const b = req.body as {
      subject?: unknown;
      start?: { dateTime?: string; timeZone?: string };
      end?: { dateTime?: string; timeZone?: string };
      attendees?: { emailAddress?: { address?: string } }[];
      location?: { displayName?: string };
    };
    for (const key of ['start', 'end'] as const) {
      const t = b[key];
      if (!t?.dateTime || !t.timeZone) {
        return { status: 400, json: graphError(400, `Property ${key} is required.`, 'ErrorInvalidRequest') };
      }
      if (!(t.timeZone in ZONES)) {
        return {
          status: 400,
          json: graphError(
            400,
            `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${t.timeZone}'.`,
            'TimeZoneNotSupportedException',
          ),
        };
      }
    }
    const instant = (t: { dateTime?: string; timeZone?: string }) =>
      new Date(Date.parse(`${t.dateTime!.slice(0, 19)}Z`) - ZONES[t.timeZone!]!).toISOString();
    const start = instant(b.start!);
    const end = instant(b.end!);
    if (Date.parse(end) < Date.parse(start)) {
      return {
        status: 400,
        json: graphError(400, 'The end time must be after the start time.', 'ErrorInvalidRequest'),
      };
    }
    const id = this.put({
      subject: String(b.subject ?? ''),
      start,
      end,
      timeZone: b.start!.timeZone!,
      attendees: (b.attendees ?? []).map((a) => String(a.emailAddress?.address ?? '')),
      ...(b.location?.displayName ? { location: b.location.displayName } : {}),
    });
    return { status: 201, json: this.render(this.events.get(id)!, String(req.headers.prefer ?? '')) };
  }

  render(e: StoredGraphEvent, prefer: string | string[] | undefined): Record<string, unknown> {
    const utc = /outlook\.timezone="UTC"/.test(String(prefer ?? ''));
    const zone = utc ? 'UTC' : (e.timeZone ?? 'UTC');
    const local = (iso: string) =>
      `${new Date(Date.parse(iso) + (ZONES[zone] ?? 0)).toISOString().slice(0, 19)}.0000000`;
    return {
      '@odata.type': '#microsoft.graph.event',
      id: e.id,
      subject: e.subject,
      isAllDay: Boolean(e.isAllDay),
      isCancelled: false,
      originalStartTimeZone: e.timeZone ?? 'UTC',
      type: (e as { seriesMasterId?: string }).seriesMasterId ? 'occurrence' : 'singleInstance',
      seriesMasterId: (e as { seriesMasterId?: string }).seriesMasterId ?? null,
      start: { dateTime: local(e.start), timeZone: zone },
      end: { dateTime: local(e.end), timeZone: zone },
      location: { displayName: e.location ?? '' },
      attendees: (e.attendees ?? []).map((address) => ({
        type: 'required',
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: address, address },
      })),
      organizer: { emailAddress: { name: 'Ada Lovelace', address: 'ada@contoso.example' } },
    };
  }
}

/** A weekly series as its occurrences (each its own id, pointing at the series). */
function occurrences(e: StoredGraphEvent): (StoredGraphEvent & { seriesMasterId?: string })[] {
  if (!e.weekly) return [e];
  const week = 7 * 86400_000;
  return Array.from({ length: e.weekly }, (_, i) => ({
    ...e,
    id: `${e.id}-occ${i}`,
    seriesMasterId: e.id,
    weekly: undefined,
    start: new Date(Date.parse(e.start) + i * week).toISOString(),
    end: new Date(Date.parse(e.end) + i * week).toISOString(),
  }));
}
