/**
 * Gong emulator: app.gong.io OAuth (HTTP Basic client auth, no PKCE, single-use refresh tokens, token
 * response carrying `api_base_url_for_customer` = this emulator) and the `/v2/workspaces` and
 * `/v2/calls` subset, with Gong's `{requestId, errors: [...]}` bodies — including its 404 for a call
 * range with no calls.
 */
import { randomBytes } from 'node:crypto';
import { startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/oauth2/authorize', token: '/oauth2/generate-customer-token' };

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
    rotateRefreshTokens: true,
    accessTokenTtl: 86400,
    reportScope: true,
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
    paths: PATHS,
    apiPath: '',
    errorBody: gongError,
  });
  return Object.assign(emulator, { workspaces, calls });
}
