/**
 * Google emulator: accounts.google.com / oauth2.googleapis.com, OpenID userinfo and the Calendar v3
 * `events.list` subset, with Google's error bodies.
 *
 * Sources (developers.google.com):
 * - identity/protocols/oauth2/web-server: client credentials in the form body (HTTP Basic also
 *   accepted), PKCE S256 supported, `expires_in` 3599; "access_type: offline … the authorization server
 *   returns a refresh token the first time that your application exchanges an authorization code";
 *   later consents return one only with `prompt=consent`; a refresh returns a new access token only;
 *   `scope` in the token response lists the grant with short names expanded (`email` →
 *   …/auth/userinfo.email, `profile` → …/auth/userinfo.profile). A bad scope or an unregistered
 *   redirect URI ends on Google's own "Error 400: invalid_scope / redirect_uri_mismatch" page.
 * - "Revoking a token": POST oauth2.googleapis.com/revoke with `token=`, no client authentication; the
 *   app's grant is gone (the next consent is a first one again).
 * - workspace/calendar/api/guides/quota: 600 requests per minute per user per project, a sliding window;
 *   over it, 403 or 429 `usageLimits` (`rateLimitExceeded`).
 * - gmail/api/reference/rest/v1/users.messages/send and gmail/api/guides/sending: `POST
 *   /gmail/v1/users/{userId}/messages/send` (scope gmail.send, or a wider Gmail one), body
 *   `{raw}` — the RFC 2822 message, base64url; answer `{id, threadId, labelIds: ['SENT']}`. A message
 *   without a recipient is a 400 "Recipient address required"; an unreadable `raw` a 400 "Invalid
 *   value for ByteString".
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/o/oauth2/v2/auth', token: '/token' };

const AUTH = 'https://www.googleapis.com/auth/';
/** What Google reports for the OpenID short names; every other scope is reported as asked. */
const EXPANDED: Record<string, string> = {
  email: `${AUTH}userinfo.email`,
  profile: `${AUTH}userinfo.profile`,
};
const SCOPES = [
  'openid',
  'email',
  'profile',
  ...['userinfo.email', 'userinfo.profile'].map((s) => AUTH + s),
  ...['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'].map((s) => AUTH + s),
  ...['gmail.send', 'gmail.readonly', 'gmail.compose', 'gmail.modify'].map((s) => AUTH + s),
  ...['drive.readonly', 'drive.file'].map((s) => AUTH + s),
];

const STATUS: Record<number, [status: string, reason: string]> = {
  400: ['INVALID_ARGUMENT', 'badRequest'],
  401: ['UNAUTHENTICATED', 'authError'],
  403: ['PERMISSION_DENIED', 'insufficientPermissions'],
  404: ['NOT_FOUND', 'notFound'],
  429: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded'],
  500: ['INTERNAL', 'backendError'],
  503: ['UNAVAILABLE', 'backendError'],
};

/** Google's API error body (`{error: {code, message, status, errors: [...]}}`). */
export function googleApiError(code: number, message = `HTTP ${code}`): unknown {
  const [status, reason] = STATUS[code] ?? ['UNKNOWN', 'unknown'];
  return { error: { code, message, status, errors: [{ message, domain: 'global', reason }] } };
}

/** A message Gmail accepted: its headers as parsed (one entry per header line) and its decoded body. */
export interface GmailSentMessage {
  headers: [name: string, value: string][];
  body: string;
}

const GMAIL_SEND_SCOPES = ['gmail.send', 'gmail.compose', 'gmail.modify'].map((s) => AUTH + s);

/** A header value as a mail client shows it: RFC 2047 encoded words (base64 of UTF-8) decoded. */
export const decodeWord = (v: string) =>
  v.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

/** POST /gmail/v1/users/me/messages/send: `raw` decoded and parsed the way a mail server would. */
function gmailSend(body: Record<string, unknown>, sent: GmailSentMessage[]): EmulatorResponse {
  const raw = body.raw;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(raw))
    return { status: 400, json: googleApiError(400, 'Invalid value for ByteString') };
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const headers: [string, string][] = [];
  // A bare CR or LF ends a header line too, as mail servers read it: an injected one shows up here.
  for (const line of head.split(/\r\n|\n|\r/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]![1] += line;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  const to = headers.filter(([n]) => n.toLowerCase() === 'to').map(([, v]) => v);
  if (!to.length || !to.every((v) => /[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?$/.test(v)))
    return { status: 400, json: googleApiError(400, 'Recipient address required') };
  const encoded = headers.some(
    ([n, v]) => n.toLowerCase() === 'content-transfer-encoding' && /base64/i.test(v),
  );
  const rest = split === -1 ? '' : text.slice(split + 4);
  sent.push({
    headers,
    body: encoded ? Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8') : rest,
  });
  const id = randomBytes(8).toString('hex');
  return { json: { id, threadId: id, labelIds: ['SENT'] } };
}

export interface GoogleEmulator extends ProviderEmulator {
  /** Every message Gmail accepted through messages.send. */
  sentMail: GmailSentMessage[];
  user: { sub: string; email: string };
  /** The primary calendar (events.list / insert, incremental sync): tests add, move and delete events. */
  calendar: GoogleCalendar;
}

const CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events.readonly',
];

export async function startGoogleEmulator(): Promise<GoogleEmulator> {
  const user = { sub: '108234567890123456789', email: 'ada@acme.example' };
  const sentMail: GmailSentMessage[] = [];
  const hour = 3600_000;
  const at = (h: number) => new Date(Date.now() + h * hour).toISOString();
  const calendar = new GoogleCalendar();
  calendar.put({
    id: 'ev1',
    summary: 'Acme kickoff',
    start: { dateTime: at(26) },
    end: { dateTime: at(27) },
  });
  calendar.put({
    id: 'ev2',
    summary: 'Globex onboarding check-in',
    start: { dateTime: at(74) },
    end: { dateTime: at(74.5) },
  });
  calendar.put({
    id: 'ev3',
    summary: 'Quarterly review',
    start: { dateTime: at(24 * 10) },
    end: { dateTime: at(24 * 10 + 1) },
  });

  const unauthenticated = (): EmulatorResponse => ({
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    json: googleApiError(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    ),
  });

  const core = await startOAuthEmulator({
    name: 'google',
    paths: PATHS,
    clientAuth: 'either',
    tokenBody: 'form',
    pkce: 'optional',
    refreshTokens: 'omitted',
    // identity/protocols/oauth2#expiration: revoked when "not been used for six months" (7 days while
    // the consent screen is in Testing — a published app is the one Thread documents).
    refreshTokenDays: 183,
    accessTokenTtl: 3599,
    scopes: {
      separator: ' ',
      known: SCOPES,
      // Expanded, and not in the order asked.
      report: (granted) => [...new Set(granted.map((s) => EXPANDED[s] ?? s))].sort().join(' '),
    },
    refreshTokenFor: ({ query, firstConsent }) =>
      query.get('access_type') === 'offline' &&
      (firstConsent || (query.get('prompt') ?? '').split(' ').includes('consent')),
    authorizeErrors: 'page',
    authorizeRules: (q) => {
      const accessType = q.get('access_type');
      if (accessType && accessType !== 'online' && accessType !== 'offline') {
        return { error: 'invalid_request', description: `Invalid access_type: ${accessType}` };
      }
      const prompts = (q.get('prompt') ?? '').split(' ').filter(Boolean);
      const unknown = prompts.filter((p) => !['none', 'consent', 'select_account'].includes(p));
      if (unknown.length)
        return { error: 'invalid_request', description: `Invalid prompt: ${unknown.join(' ')}` };
      return undefined;
    },
    revoke: { path: '/revoke', method: 'POST', clientAuth: 'none', token: 'form', ends: 'grant' },
    rateLimit: { limit: 600, windowMs: 60_000, answer: tooManyRequests(googleApiError) },
    extraTokenFields: () => ({ token_type: 'Bearer' }),
    oauthError: (error, description) => ({
      status: 400,
      // Google's words for a dead refresh token.
      json: {
        error,
        error_description: /refresh/i.test(description) ? 'Token has been expired or revoked.' : description,
      },
    }),
    api(req, { token }) {
      if (req.method === 'GET' && req.path === '/oauth2/v3/userinfo') {
        // The userinfo endpoint speaks OAuth errors, not the Google API error shape.
        if (!token)
          return {
            status: 401,
            json: { error: 'invalid_request', error_description: 'Invalid Credentials' },
          };
        return { json: { sub: user.sub, email: user.email, email_verified: true } };
      }
      if (req.method === 'POST' && req.path === '/gmail/v1/users/me/messages/send') {
        if (!token) return unauthenticated();
        if (!token.scopes.some((s) => GMAIL_SEND_SCOPES.includes(s)))
          return {
            status: 403,
            json: googleApiError(403, 'Request had insufficient authentication scopes.'),
          };
        return gmailSend(req.body, sentMail);
      }
      if (req.path === '/calendar/v3/calendars/primary/events') {
        if (!token) return unauthenticated();
        return calendar.route(req, token.scopes);
      }
      return { status: 404, json: googleApiError(404, 'Not Found') };
    },
  });

  const emulator = withProviderExtras(core, {
    prefix: 'GOOGLE',
    apiPath: '/',
    errorBody: googleApiError,
  });
  return Object.assign(emulator, { user, calendar, sentMail });
}

// ---- Google Calendar: events.list (full and incremental sync) and events.insert ----------------------
//
// Sources (developers.google.com/workspace/calendar/api):
// - guides/sync: a full sync's last page carries `nextSyncToken` (earlier pages `nextPageToken`); a list
//   with `syncToken` returns what changed since, deletions included; an expired token answers 410 GONE
//   ("fullSyncRequired") and the client must sync in full without a token.
// - v3/reference/events/list: with `syncToken`, `iCalUID`, `orderBy`, `privateExtendedProperty`, `q`,
//   `sharedExtendedProperty`, `timeMin`, `timeMax` and `updatedMin` are refused (400
//   "syncTokenWithRequestRestrictions"), and `showDeleted=false` is not allowed; `singleEvents=true`
//   expands recurring events into instances (`recurringEventId`, `originalStartTime`), otherwise the
//   series comes as one event with `recurrence`; `maxResults` defaults to 250, at most 2500; without
//   `showDeleted`, cancelled events are left out of a full list.
// - v3/reference/events (resource): an all-day event has `start.date`, a timed one `start.dateTime`
//   (RFC 3339 with offset) and optionally `timeZone`; a deleted event is `status: "cancelled"`.
// - v3/reference/events/insert: needs the calendar or calendar.events scope (read-only scopes get 403
//   "insufficient authentication scopes"); `start` and `end` are required (400 "Missing end time."),
//   and an end before the start is 400 "timeRangeEmpty"; `sendUpdates=all` mails the attendees.

const WRITE_SCOPES = [`${AUTH}calendar`, `${AUTH}calendar.events`];
const SYNC_RESTRICTED = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export interface GoogleEventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface GoogleEventInput {
  id?: string;
  summary: string;
  start: GoogleEventTime;
  end: GoogleEventTime;
  attendees?: { email: string }[];
  /** Weekly or daily series: `RRULE:FREQ=WEEKLY;COUNT=4`. */
  recurrence?: string[];
}

interface StoredEvent extends GoogleEventInput {
  id: string;
  status: 'confirmed' | 'cancelled';
  /** The change number that last touched it: a sync token is "changes after N". */
  changed: number;
  sendUpdates?: string;
}

export class GoogleCalendar {
  private readonly events = new Map<string, StoredEvent>();
  private changes = 0;
  /** Sync tokens issued before this change number answer 410. */
  private oldestValid = 0;
  /** Every events.list query string, for tests that check what Thread asked. */
  readonly listQueries: URLSearchParams[] = [];

  /** Adds or replaces an event (a move is a put with new times). */
  put(event: GoogleEventInput): string {
    const id = event.id ?? `ev${randomId()}`;
    this.events.set(id, { ...event, id, status: 'confirmed', changed: ++this.changes });
    return id;
  }

  remove(id: string): void {
    const e = this.events.get(id);
    if (e) this.events.set(id, { ...e, status: 'cancelled', changed: ++this.changes });
  }

  get(id: string): StoredEvent | undefined {
    return this.events.get(id);
  }

  /** Every sync token issued so far is forgotten (Google's 410 for a too-old token). */
  expireSyncTokens(): void {
    this.oldestValid = this.changes + 1;
  }

  route(req: EmulatorRequest, scopes: string[]): EmulatorResponse {
    if (req.method === 'GET') {
      if (!scopes.some((s) => CALENDAR_SCOPES.includes(s))) return insufficientScopes();
      return this.list(req.url.searchParams);
    }
    if (req.method === 'POST') {
      if (!scopes.some((s) => WRITE_SCOPES.includes(s))) return insufficientScopes();
      return this.insert(req.body, req.url.searchParams);
    }
    return { status: 405, json: googleApiError(405, 'Method Not Allowed') };
  }

  private list(q: URLSearchParams): EmulatorResponse {
    this.listQueries.push(new URLSearchParams(q));
    const syncToken = q.get('syncToken');
    const single = q.get('singleEvents') === 'true';
    const max = Math.min(Number(q.get('maxResults') ?? 250), 2500);
    let since = -1;
    if (syncToken) {
      if (SYNC_RESTRICTED.some((p) => q.has(p)) || q.get('showDeleted') === 'false') {
        return badRequest(
          'Sync token cannot be used with other request restrictions.',
          'syncTokenWithRequestRestrictions',
        );
      }
      const n = Number(/^sync-(\d+)$/.exec(syncToken)?.[1] ?? Number.NaN);
      if (Number.isNaN(n)) return badRequest('Invalid sync token value.', 'invalid');
      if (n < this.oldestValid) {
        return {
          status: 410,
          json: {
            error: {
              code: 410,
              message: 'Sync token is no longer valid, a full sync is required.',
              errors: [
                {
                  domain: 'calendar',
                  reason: 'fullSyncRequired',
                  message: 'Sync token is no longer valid, a full sync is required.',
                },
              ],
              status: 'GONE',
            },
          },
        };
      }
      since = n;
    }
    const showDeleted = Boolean(syncToken) || q.get('showDeleted') === 'true';
    const from = Date.parse(q.get('timeMin') ?? '') || Number.NEGATIVE_INFINITY;
    const to = Date.parse(q.get('timeMax') ?? '') || Number.POSITIVE_INFINITY;
    const items = [...this.events.values()]
      .filter((e) => e.changed > since)
      .flatMap((e) => (single ? instances(e) : [render(e)]))
      .filter((e) => showDeleted || e.status !== 'cancelled')
      // The window filters what exists; a cancelled item in a sync is reported whatever its time.
      .filter((e) => e.status === 'cancelled' || (endMs(e) > from && startMs(e) < to));
    const offset = Number(q.get('pageToken')?.replace(/^page-/, '') ?? 0);
    const page = items.slice(offset, offset + max);
    const more = offset + max < items.length;
    return {
      json: {
        kind: 'calendar#events',
        summary: 'primary',
        timeZone: 'UTC',
        accessRole: 'owner',
        items: page,
        ...(more ? { nextPageToken: `page-${offset + max}` } : { nextSyncToken: `sync-${this.changes}` }),
      },
    };
  }

  private insert(body: Record<string, unknown>, q: URLSearchParams): EmulatorResponse {
    const start = body.start as GoogleEventTime | undefined;
    const end = body.end as GoogleEventTime | undefined;
    if (!start?.dateTime && !start?.date) return badRequest('Missing start time.', 'required');
    if (!end?.dateTime && !end?.date) return badRequest('Missing end time.', 'required');
    const s = Date.parse(start.dateTime ?? start.date!);
    const e = Date.parse(end.dateTime ?? end.date!);
    if (Number.isNaN(s) || Number.isNaN(e)) return badRequest('Invalid start or end time.', 'invalid');
    if (e < s) return badRequest('The specified time range is empty.', 'timeRangeEmpty');
    const attendees = (body.attendees as { email?: string }[] | undefined) ?? [];
    if (attendees.some((a) => !a.email || !/^[^@\s]+@[^@\s]+$/.test(a.email))) {
      return badRequest('Invalid attendee email.', 'invalid');
    }
    const id = this.put({
      summary: String(body.summary ?? ''),
      start,
      end,
      attendees: attendees.map((a) => ({ email: a.email! })),
    });
    const stored = this.events.get(id)!;
    stored.sendUpdates = q.get('sendUpdates') ?? undefined;
    if (typeof body.location === 'string') Object.assign(stored, { location: body.location });
    return { json: render(stored) };
  }
}

function render(e: StoredEvent): Record<string, unknown> {
  if (e.status === 'cancelled') return { kind: 'calendar#event', id: e.id, status: 'cancelled' };
  return {
    kind: 'calendar#event',
    id: e.id,
    status: e.status,
    summary: e.summary,
    start: e.start,
    end: e.end,
    ...(e.attendees ? { attendees: e.attendees.map((a) => ({ ...a, responseStatus: 'needsAction' })) } : {}),
    ...(e.recurrence ? { recurrence: e.recurrence } : {}),
    ...('location' in e ? { location: (e as { location?: string }).location } : {}),
  };
}

/** A series' instances (singleEvents=true): ids `<series>_<UTC start>`, as Google forms them. */
function instances(e: StoredEvent): Record<string, unknown>[] {
  if (!e.recurrence?.length || !e.start.dateTime || !e.end.dateTime) return [render(e)];
  const rule = /FREQ=(DAILY|WEEKLY);COUNT=(\d+)/.exec(e.recurrence[0]!);
  if (!rule) return [render(e)];
  const step = (rule[1] === 'DAILY' ? 1 : 7) * 86400_000;
  const s0 = Date.parse(e.start.dateTime);
  const length = Date.parse(e.end.dateTime) - s0;
  return Array.from({ length: Number(rule[2]) }, (_, i) => {
    const s = new Date(s0 + i * step).toISOString();
    const stamp = s.replace(/[-:]/g, '').replace(/\.\d+/, '');
    const id = `${e.id}_${stamp}`;
    if (e.status === 'cancelled')
      return { kind: 'calendar#event', id, status: 'cancelled', recurringEventId: e.id };
    return {
      ...render({ ...e, recurrence: undefined }),
      id,
      recurringEventId: e.id,
      originalStartTime: { dateTime: s, timeZone: e.start.timeZone },
      start: { dateTime: s, timeZone: e.start.timeZone },
      end: { dateTime: new Date(s0 + i * step + length).toISOString(), timeZone: e.end.timeZone },
    };
  });
}

function startMs(e: Record<string, unknown>): number {
  const t = e.start as GoogleEventTime | undefined;
  return Date.parse(t?.dateTime ?? t?.date ?? '');
}

function endMs(e: Record<string, unknown>): number {
  const t = e.end as GoogleEventTime | undefined;
  return Date.parse(t?.dateTime ?? t?.date ?? '');
}

function badRequest(message: string, reason: string): EmulatorResponse {
  return {
    status: 400,
    json: {
      error: {
        code: 400,
        message,
        status: 'INVALID_ARGUMENT',
        errors: [{ message, domain: 'global', reason }],
      },
    },
  };
}

function insufficientScopes(): EmulatorResponse {
  return { status: 403, json: googleApiError(403, 'Request had insufficient authentication scopes.') };
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 12);
}
