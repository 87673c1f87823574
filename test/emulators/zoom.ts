/**
 * Zoom emulator: zoom.us OAuth and the `/v2/users/me` and `/v2/users/me/meetings` subset with Zoom's
 * `{code, message}` bodies (a missing scope is 400/4711, as Zoom does).
 *
 * Sources (developers.zoom.us):
 * - docs/integrations/oauth: `POST https://zoom.us/oauth/token` with `Authorization: Basic
 *   base64(client_id:client_secret)` and form parameters; PKCE S256 supported; `expires_in` 3600; each
 *   refresh returns a new refresh token and the old one stops working; the response's `scope` lists the
 *   granted scopes space-separated, while the authorize URL takes them comma-separated; a dead refresh
 *   token answers `{"reason":"Invalid Token!","error":"invalid_request"}`; bad authorize requests end on
 *   Zoom's own error page.
 * - "Revoke an access token": `POST https://zoom.us/oauth/revoke` with `token=` and the same Basic
 *   client credentials.
 * - docs/api/rate-limits: per account, by plan and request type; Pro: Light 30/s, Medium 20/s (listing
 *   meetings is Medium, the stricter of the two Thread calls); 429 with Retry-After and
 *   `X-RateLimit-Category` / `X-RateLimit-Type`.
 */
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/oauth/authorize', token: '/oauth/token' };

/** Granular scopes (a subset of Zoom's list). */
const SCOPES = [
  'meeting:read:meeting',
  'meeting:write:meeting',
  'meeting:update:meeting',
  'meeting:delete:meeting',
  'meeting:read:list_meetings',
  'user:read:user',
  'user:read:email',
  'user:read:list_users',
  'cloud_recording:read:recording',
  'cloud_recording:read:list_user_recordings',
];

const CODES: Record<number, number> = { 401: 124, 403: 104, 404: 1001, 429: 429, 500: 300 };

/** Zoom's error body. */
export function zoomError(status: number, message = `HTTP ${status}`): unknown {
  return { code: CODES[status] ?? status, message };
}

export interface ZoomEmulator extends ProviderEmulator {
  user: { id: string; account_id: string; email: string };
  meetings: { id: number; topic: string; start_time: string; duration?: number; join_url?: string }[];
}

export async function startZoomEmulator(): Promise<ZoomEmulator> {
  const user = {
    id: 'KDcuGIm1QgePTO8WbOqwIQ',
    account_id: 'Hlp7Oy8SQ7mL0zbdUZLbkg',
    email: 'ada@acme.example',
  };
  const inDays = (d: number) =>
    new Date(Date.now() + d * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const meetings = [
    { id: 85746065432, topic: 'Acme kickoff', start_time: inDays(1) },
    { id: 85746065433, topic: 'Globex onboarding', start_time: inDays(4) },
  ];
  /** Meetings created per day (Zoom caps a user at 100 a day). */
  const created = { day: '', count: 0 };
  const missingScope = (scope: string) => ({
    status: 400,
    json: { code: 4711, message: `Invalid access token, does not contain scopes:[${scope}].` },
  });

  const core = await startOAuthEmulator({
    name: 'zoom',
    paths: PATHS,
    clientAuth: 'basic',
    tokenBody: 'form',
    pkce: 'optional',
    refreshTokens: 'rotated',
    // docs/integrations/oauth: a refresh token lasts 90 days.
    refreshTokenDays: 90,
    accessTokenTtl: 3600,
    scopes: { separator: ',', known: SCOPES, report: (granted) => granted.join(' ') },
    authorizeErrors: 'page',
    revoke: { path: '/oauth/revoke', method: 'POST', clientAuth: 'basic', token: 'form', ends: 'grant' },
    rateLimit: {
      limit: 20,
      windowMs: 1000,
      answer: tooManyRequests(
        () =>
          zoomError(429, 'You have reached the maximum per-second rate limit for this API. Try again later.'),
        { 'x-ratelimit-category': 'Medium', 'x-ratelimit-type': 'QPS' },
      ),
    },
    oauthError: (error, description) =>
      error === 'invalid_grant' && /refresh/i.test(description)
        ? { status: 400, json: { reason: 'Invalid Token!', error: 'invalid_request' } }
        : { status: error === 'invalid_client' ? 401 : 400, json: { reason: description, error } },
    api(req, { token }) {
      if (!token) return { status: 401, json: zoomError(401, 'Invalid access token.') };
      if (req.method === 'GET' && req.path === '/v2/users/me') {
        if (!token.scopes.includes('user:read:user')) return missingScope('user:read:user');
        return {
          json: {
            ...user,
            first_name: 'Ada',
            last_name: 'Lovelace',
            type: 2,
            status: 'active',
            timezone: 'UTC',
          },
        };
      }
      if (req.method === 'GET' && req.path === '/v2/users/me/meetings') {
        if (!token.scopes.includes('meeting:read:meeting')) return missingScope('meeting:read:meeting');
        const size = Number(req.url.searchParams.get('page_size') ?? 30);
        return {
          json: {
            page_size: size,
            total_records: meetings.length,
            next_page_token: '',
            meetings: meetings.slice(0, size).map((m) => ({
              uuid: Buffer.from(String(m.id)).toString('base64'),
              id: m.id,
              host_id: user.id,
              topic: m.topic,
              type: 2,
              start_time: m.start_time,
              duration: 30,
              timezone: 'UTC',
              join_url: `https://zoom.us/j/${m.id}`,
            })),
          },
        };
      }
      if (req.method === 'POST' && req.path === '/v2/users/me/meetings') {
        return createMeeting(req, token.scopes, meetings, created, user.id);
      }
      return { status: 404, json: zoomError(404, 'Not found.') };
    },
  });

  const emulator = withProviderExtras(core, {
    prefix: 'ZOOM',
    apiPath: '/v2',
    errorBody: zoomError,
  });
  return Object.assign(emulator, { user, meetings });
}

// ---- Zoom: create a meeting --------------------------------------------------------------------------
//
// Sources (developers.zoom.us):
// - docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings: granular scope
//   `meeting:write:meeting`; `topic` up to 200 characters; `type` 1 (instant), 2 (scheduled), 3
//   (recurring, no fixed time), 8 (recurring, fixed time); a scheduled meeting needs `start_time`
//   (`yyyy-MM-ddTHH:mm:ssZ` in UTC, or local time with `timezone`); `duration` in minutes; 201 with the
//   meeting: `id`, `join_url`, `start_url`, `password`, …; validation errors are 300 "Invalid field".
// - docs/api/rate-limits: "Create a meeting" is limited to 100 requests per user per day (429).

const MEETING_TYPES = [1, 2, 3, 8, 10];

function createMeeting(
  req: EmulatorRequest,
  scopes: string[],
  meetings: ZoomEmulator['meetings'],
  created: { day: string; count: number },
  hostId: string,
): EmulatorResponse {
  if (!scopes.includes('meeting:write:meeting')) {
    return {
      status: 400,
      json: { code: 4711, message: 'Invalid access token, does not contain scopes:[meeting:write:meeting].' },
    };
  }
  const today = new Date().toISOString().slice(0, 10);
  if (created.day !== today) Object.assign(created, { day: today, count: 0 });
  if (created.count >= 100) {
    return {
      status: 429,
      headers: { 'x-ratelimit-category': 'Light', 'x-ratelimit-type': 'Daily-limit' },
      json: zoomError(
        429,
        'You have exceeded the daily rate limit of (100) for Create a meeting API requests for the user.',
      ),
    };
  }
  const b = req.body as {
    topic?: unknown;
    type?: unknown;
    start_time?: unknown;
    duration?: unknown;
    timezone?: unknown;
  };
  const invalid = (field: string) => ({
    status: 400,
    json: { code: 300, message: `Invalid field: ${field}.` },
  });
  if (typeof b.topic !== 'string' || b.topic.length > 200) return invalid('topic');
  const type = b.type === undefined ? 2 : Number(b.type);
  if (!MEETING_TYPES.includes(type)) return invalid('type');
  if (type === 2) {
    const utc =
      typeof b.start_time === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(b.start_time);
    const local =
      typeof b.start_time === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(b.start_time);
    if (!utc && !(local && typeof b.timezone === 'string')) return invalid('start_time');
  }
  if (b.duration !== undefined && (!Number.isInteger(b.duration) || Number(b.duration) <= 0)) {
    return invalid('duration');
  }
  created.count++;
  const id = 85746065500 + meetings.length;
  const joinUrl = `https://zoom.us/j/${id}?pwd=${id.toString(36)}`;
  meetings.push({
    id,
    topic: b.topic,
    start_time: String(b.start_time ?? ''),
    duration: Number(b.duration ?? 60),
    join_url: joinUrl,
  });
  return {
    status: 201,
    json: {
      uuid: Buffer.from(String(id)).toString('base64'),
      id,
      host_id: hostId,
      topic: b.topic,
      type,
      status: 'waiting',
      start_time: b.start_time,
      duration: Number(b.duration ?? 60),
      timezone: typeof b.timezone === 'string' ? b.timezone : 'UTC',
      created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      start_url: `https://zoom.us/s/${id}?zak=emulated`,
      join_url: joinUrl,
      password: id.toString(36).slice(0, 6),
    },
  };
}
