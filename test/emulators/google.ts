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
import type { EmulatorResponse } from './http.js';
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
  /** The primary calendar; tests may push or clear. */
  events: { id: string; summary: string; start: string; end: string }[];
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
  const events = [
    { id: 'ev1', summary: 'Acme kickoff', start: at(26), end: at(27) },
    { id: 'ev2', summary: 'Globex onboarding check-in', start: at(74), end: at(74.5) },
    { id: 'ev3', summary: 'Quarterly review', start: at(24 * 10), end: at(24 * 10 + 1) },
  ];

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
      if (req.method === 'GET' && req.path === '/calendar/v3/calendars/primary/events') {
        if (!token) return unauthenticated();
        if (!token.scopes.some((s) => CALENDAR_SCOPES.includes(s))) {
          return {
            status: 403,
            json: googleApiError(403, 'Request had insufficient authentication scopes.'),
          };
        }
        const q = req.url.searchParams;
        const from = Date.parse(q.get('timeMin') ?? '') || 0;
        const to = Date.parse(q.get('timeMax') ?? '') || Number.POSITIVE_INFINITY;
        const max = Number(q.get('maxResults') ?? 250);
        const hits = events.filter((e) => Date.parse(e.end) > from && Date.parse(e.start) < to);
        return {
          json: {
            kind: 'calendar#events',
            summary: user.email,
            timeZone: 'UTC',
            accessRole: 'owner',
            items: hits.slice(0, max).map((e) => ({
              kind: 'calendar#event',
              id: e.id,
              status: 'confirmed',
              summary: e.summary,
              start: { dateTime: e.start },
              end: { dateTime: e.end },
            })),
            ...(hits.length > max ? { nextPageToken: `page-${max}` } : { nextSyncToken: 'sync-1' }),
          },
        };
      }
      return { status: 404, json: googleApiError(404, 'Not Found') };
    },
  });

  const emulator = withProviderExtras(core, {
    prefix: 'GOOGLE',
    apiPath: '/',
    errorBody: googleApiError,
  });
  return Object.assign(emulator, { user, events, sentMail });
}
