/**
 * Zoom emulator: zoom.us OAuth (HTTP Basic client auth, PKCE S256, rotating refresh tokens, expires_in
 * 3600, comma-separated `scope`; a dead refresh token answers Zoom's `{reason: 'Invalid Token!'}`), RFC
 * 7009-style revoke, and the `/v2/users/me` and `/v2/users/me/meetings` subset with Zoom's
 * `{code, message}` bodies (a missing scope is 400/4711, as Zoom does).
 */
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/oauth/authorize', token: '/oauth/token', revoke: '/oauth/revoke' };

const CODES: Record<number, number> = { 401: 124, 403: 104, 404: 1001, 429: 429, 500: 300 };

/** Zoom's error body. */
export function zoomError(status: number, message = `HTTP ${status}`): unknown {
  return { code: CODES[status] ?? status, message };
}

export interface ZoomEmulator extends ProviderEmulator {
  user: { id: string; account_id: string; email: string };
  meetings: { id: number; topic: string; start_time: string }[];
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
    rotateRefreshTokens: true,
    accessTokenTtl: 3600,
    scopeSeparator: ',',
    reportScope: true,
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
      return { status: 404, json: zoomError(404, 'Not found.') };
    },
  });

  const emulator = withProviderExtras(core, {
    prefix: 'ZOOM',
    paths: PATHS,
    apiPath: '/v2',
    errorBody: zoomError,
  });
  return Object.assign(emulator, { user, meetings });
}
