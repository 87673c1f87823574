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
 * - apidocs/retrieve-detailed-call-data-by-various-filters-v2callsextensive-2: `POST /v2/calls/extensive`
 *   (scope `api:calls:read:extensive`), JSON body `{cursor?, filter (required): {fromDateTime?,
 *   toDateTime?, …}, contentSelector?: {exposedFields?: {parties?}}}`; calls that started in
 *   [fromDateTime, toDateTime); answer `{requestId, records: {totalRecords, currentPageSize,
 *   currentPageNumber, cursor?}, calls: [{metaData: {id, url, title, scheduled, started, duration, …},
 *   parties?: [{id, emailAddress, name, affiliation, …}]}]}`, `parties` only when exposed; 100 calls a
 *   page, `cursor` only while more remain; no calls in the range: 404 like `GET /v2/calls`.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
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

export interface GongParty {
  name: string;
  emailAddress?: string;
  affiliation: 'Internal' | 'External' | 'Unknown';
}

export interface GongCall {
  id: string;
  title: string;
  started: string;
  duration?: number;
  parties?: GongParty[];
}

export interface GongEmulator extends ProviderEmulator {
  workspaces: { id: string; name: string; description: string }[];
  calls: GongCall[];
  /**
   * `/v2/calls/extensive`: calls per page (Gong's is 100; tests lower it to reach paging) and every
   * request body, in order.
   */
  extensive: ExtensiveState;
}

interface ExtensiveState {
  pageSize: number;
  requests: Record<string, unknown>[];
}

export async function startGongEmulator(): Promise<GongEmulator> {
  const workspaces = [
    { id: '6543210987654321', name: 'EMEA Sales', description: '' },
    { id: '1234567890123456', name: 'Acme Sales', description: 'Main workspace' },
  ];
  const ago = (days: number) => new Date(Date.now() - days * 24 * 3600_000).toISOString();
  const calls: GongCall[] = [
    { id: '7782342274025937895', title: 'Acme discovery', started: ago(1) },
    { id: '7782342274025937896', title: 'Acme pricing', started: ago(3) },
    { id: '7782342274025937897', title: 'Globex demo', started: ago(6) },
    { id: '7782342274025937898', title: 'Initech intro', started: ago(20) },
  ];

  const state: ExtensiveState = { pageSize: 100, requests: [] };
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
      if (req.method === 'POST' && req.path === '/v2/calls/extensive') {
        return extensive(req, token.scopes, calls, state);
      }
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
  return Object.assign(emulator, { workspaces, calls, extensive: state });
}

/** POST /v2/calls/extensive: the date filter, parties when asked for, cursor paging. */
function extensive(
  req: EmulatorRequest,
  scopes: string[],
  calls: GongCall[],
  state: ExtensiveState,
): EmulatorResponse {
  const requestId = randomBytes(10).toString('hex');
  if (!scopes.includes('api:calls:read:extensive'))
    return { status: 403, json: gongError(403, 'Missing scope: api:calls:read:extensive') };
  if (!String(req.headers['content-type'] ?? '').includes('application/json'))
    return { status: 415, json: gongError(415, 'Content type must be application/json') };
  const body = req.body as {
    cursor?: unknown;
    filter?: { fromDateTime?: unknown; toDateTime?: unknown };
    contentSelector?: { exposedFields?: { parties?: unknown } };
  };
  state.requests.push(req.body);
  if (!body.filter || typeof body.filter !== 'object')
    return { status: 400, json: gongError(400, 'filter: must not be null') };
  const when = (v: unknown, fallback: number) => {
    if (v === undefined) return fallback;
    const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    return Number.isNaN(t) ? undefined : t;
  };
  const from = when(body.filter.fromDateTime, 0);
  const to = when(body.filter.toDateTime, Number.POSITIVE_INFINITY);
  if (from === undefined || to === undefined)
    return { status: 400, json: gongError(400, 'fromDateTime/toDateTime: must be ISO-8601 date-time') };
  const hits = calls.filter((c) => Date.parse(c.started) >= from && Date.parse(c.started) < to);
  if (!hits.length)
    return { status: 404, json: gongError(404, 'No calls found corresponding to the provided filters') };
  // The cursor is opaque to clients; here it is the offset, base64-wrapped so nobody parses it.
  let offset = 0;
  if (body.cursor !== undefined) {
    const decoded = Number(
      Buffer.from(String(body.cursor), 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(decoded) || decoded <= 0 || decoded >= hits.length)
      return { status: 400, json: gongError(400, 'cursor: invalid cursor') };
    offset = decoded;
  }
  const page = hits.slice(offset, offset + state.pageSize);
  const next = offset + page.length < hits.length ? offset + page.length : undefined;
  const withParties = body.contentSelector?.exposedFields?.parties === true;
  return {
    json: {
      requestId,
      records: {
        totalRecords: hits.length,
        currentPageSize: page.length,
        currentPageNumber: Math.floor(offset / state.pageSize),
        ...(next !== undefined ? { cursor: Buffer.from(`offset:${next}`).toString('base64url') } : {}),
      },
      calls: page.map((c) => ({
        metaData: {
          id: c.id,
          url: `https://app.gong.io/call?id=${c.id}`,
          title: c.title,
          scheduled: c.started,
          started: c.started,
          duration: c.duration ?? 1800,
          primaryUserId: '234599484848423',
          direction: 'Conference',
          scope: 'External',
          media: 'Video',
          language: 'eng',
          workspaceId: '1234567890123456',
        },
        ...(withParties
          ? {
              parties: (c.parties ?? []).map((p, i) => ({
                id: `${c.id}${i}`,
                name: p.name,
                ...(p.emailAddress ? { emailAddress: p.emailAddress } : {}),
                affiliation: p.affiliation,
                methods: ['Invitee'],
              })),
            }
          : {}),
      })),
    },
  };
}
