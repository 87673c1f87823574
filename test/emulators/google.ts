/**
 * Google emulator: accounts.google.com / oauth2.googleapis.com (body client auth, PKCE S256, expires_in
 * 3599, no refresh-token rotation — a refresh returns only a new access token), OpenID userinfo and the
 * Calendar v3 `events.list` subset, with Google's error bodies.
 */
import type { EmulatorResponse } from './http.js';
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/o/oauth2/v2/auth', token: '/token', revoke: '/revoke' };

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

export interface GoogleEmulator extends ProviderEmulator {
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
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: 'optional',
    rotateRefreshTokens: false,
    accessTokenTtl: 3599,
    reportScope: true,
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
    paths: PATHS,
    apiPath: '/',
    errorBody: googleApiError,
  });
  return Object.assign(emulator, { user, events });
}
