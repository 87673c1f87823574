/**
 * Gong emulator: app.gong.io OAuth and the `/v2/workspaces` and `/v2/calls` subset, with Gong's
 * `{requestId, errors: [...]}` bodies — including its 404 for a call range with no calls.
 *
 * Sources (help.gong.io):
 * - "Create an app for Gong" (the OAuth guide): `/oauth2/authorize` with space-separated `api:…`
 *   scopes; `/oauth2/generate-customer-token` with HTTP Basic client credentials and form parameters;
 *   no PKCE; the response carries `api_base_url_for_customer` and `scope`; a refresh token is single
 *   use — each refresh returns a new pair; no revocation endpoint is documented.
 * - apidocs/introduction-2 ("Limits"): "3 API calls per second, and 10,000 API calls per day" per
 *   company; "an HTTP status code 429 is returned and a Retry-After header indicates how many seconds to
 *   wait". The per-second limit is the one a test can reach; the daily one is not modelled.
 */
import { randomBytes } from 'node:crypto';
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/generate-customer-token' };

const SCOPES = [
  'api:calls:read:basic',
  'api:calls:read:extensive',
  'api:calls:read:transcript',
  'api:calls:read:media-url',
  'api:calls:create:basic',
  'api:users:read',
  'api:stats:interaction',
  'api:stats:user-actions',
  'api:stats:scorecards',
  'api:settings:trackers:read',
  'api:settings:scorecards:read',
  'api:workspaces:read',
  'api:library:read',
  'api:meetings:user:create',
  'api:crm:upload',
  'api:logs:read',
];

/** Gong's error body. */
export function gongError(_status: number, message = 'Request failed'): unknown {
  return { requestId: randomBytes(10).toString('hex'), errors: [message] };
}

export interface GongEmulator extends ProviderEmulator {
  workspaces: { id: string; name: string; description: string }[];
  calls: { id: string; title: string; started: string }[];
}

export async function startGongEmulator(): Promise<GongEmulator> {
  const workspaces = [
    { id: '6543210987654321', name: 'EMEA Sales', description: '' },
    { id: '1234567890123456', name: 'Acme Sales', description: 'Main workspace' },
  ];
  const ago = (days: number) => new Date(Date.now() - days * 24 * 3600_000).toISOString();
  const calls = [
    { id: '7782342274025937895', title: 'Acme discovery', started: ago(1) },
    { id: '7782342274025937896', title: 'Acme pricing', started: ago(3) },
    { id: '7782342274025937897', title: 'Globex demo', started: ago(6) },
    { id: '7782342274025937898', title: 'Initech intro', started: ago(20) },
  ];

  const core = await startOAuthEmulator({
    name: 'gong',
    paths: PATHS,
    clientAuth: 'basic',
    tokenBody: 'form',
    pkce: 'none',
    refreshTokens: 'rotated',
    accessTokenTtl: 86400,
    scopes: { separator: ' ', known: SCOPES, report: (granted) => granted.join(' ') },
    authorizeErrors: 'redirect',
    rateLimit: { limit: 3, windowMs: 1000, answer: tooManyRequests(gongError) },
    extraTokenFields: (base) => ({ api_base_url_for_customer: base }),
    api(req, { token }) {
      if (!token)
        return { status: 401, json: gongError(401, 'Unauthorized: invalid or expired access token') };
      if (req.method === 'GET' && req.path === '/v2/workspaces') {
        return { json: { requestId: randomBytes(10).toString('hex'), workspaces } };
      }
      if (req.method === 'GET' && req.path === '/v2/calls') {
        if (!token.scopes.includes('api:calls:read:basic')) {
          return { status: 403, json: gongError(403, 'Missing scope: api:calls:read:basic') };
        }
        const q = req.url.searchParams;
        const from = Date.parse(q.get('fromDateTime') ?? '') || 0;
        const to = Date.parse(q.get('toDateTime') ?? '') || Number.POSITIVE_INFINITY;
        const hits = calls.filter((c) => Date.parse(c.started) >= from && Date.parse(c.started) < to);
        // Gong's quirk: an empty result is a 404, not an empty list.
        if (!hits.length)
          return {
            status: 404,
            json: gongError(404, 'No calls found corresponding to the provided filters'),
          };
        return {
          json: {
            requestId: randomBytes(10).toString('hex'),
            records: { totalRecords: hits.length, currentPageSize: hits.length, currentPageNumber: 0 },
            calls: hits.map((c) => ({
              id: c.id,
              url: `https://app.gong.io/call?id=${c.id}`,
              title: c.title,
              started: c.started,
              duration: 1800,
              direction: 'Conference',
              scope: 'External',
              media: 'Video',
              language: 'eng',
              workspaceId: workspaces[1]!.id,
            })),
          },
        };
      }
      return { status: 404, json: gongError(404, `No handler for ${req.method} ${req.path}`) };
    },
  });

  const emulator = withProviderExtras(core, {
    prefix: 'GONG',
    apiPath: '',
    errorBody: gongError,
  });
  return Object.assign(emulator, { workspaces, calls });
}
