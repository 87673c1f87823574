/**
 * HubSpot emulator: OAuth as HubSpot does it, the token-info endpoint, and the deals list the SDK calls.
 * Errors use HubSpot's shape `{ status: 'error', message, correlationId, category }`.
 *
 * Sources (developers.hubspot.com):
 * - docs/api-reference/legacy/authentication/oauth-tokens/v1/guide: "make a URL-form encoded POST
 *   request to /oauth/v1/token" with client_id and client_secret in the body; `code_verifier` accepted;
 *   `expires_in` 1800; the refresh grant answers with the same long-lived refresh token.
 * - …/oauth-tokens/v1/delete-refresh-token: `DELETE /oauth/v1/refresh-tokens/{token}`, no client auth;
 *   docs-beta/oauth/tokens: "This will only delete the refresh token. Access tokens generated with the
 *   refresh token will not be affected."
 * - …/access-tokens (token info): `GET /oauth/v1/access-tokens/{token}` → `scopes`, `hub_id`, … — where
 *   Thread reads the grant.
 * - docs/api/crm/deals, "Retrieve deals": `GET /crm/v3/objects/deals/{dealId}` returns one deal as
 *   `{ id, properties, createdAt, updatedAt, archived }`; the `properties` query parameter (comma
 *   separated, or repeated) names the properties returned, and a requested property the deal has no value for comes
 *   back as null; without it only a default few are returned. An unknown id is a 404 `OBJECT_NOT_FOUND`.
 * - docs/api/usage-details: public apps get 110 requests every 10 seconds per installing account; the
 *   429 body names the `TEN_SECONDLY_ROLLING` policy.
 * - An unknown scope on the install URL ends on HubSpot's own error page, not back at the app.
 * - docs/api-reference/crm-crm-owners-v3/guide: `GET /crm/v3/owners/{ownerId}` (scope
 *   crm.objects.owners.read; `idProperty` id|userId, `archived`) → `{id, email, firstName, lastName,
 *   userId, type, createdAt, updatedAt, archived}`; an unknown id is a 404.
 * - docs/api/crm/deals ("Retrieve deals"): `associations=companies,contacts` on a deal read adds
 *   `associations: {companies: {results: [{id, type}]}, …}` — a type without associated records is left
 *   out; docs/api/crm/companies: `GET /crm/v3/objects/companies/{id}` (crm.objects.companies.read);
 *   docs/api/crm/contacts ("Retrieve contacts in batch"): `POST /crm/v3/objects/contacts/batch/read`
 *   `{inputs: [{id}], properties, propertiesWithHistory}` (crm.objects.contacts.read, at most 100
 *   inputs) → `{status: 'COMPLETE', results, startedAt, completedAt}`.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { type ApiContext, type Fault, type OAuthEmulator, startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/oauth/authorize', token: '/oauth/v1/token' };

/** The CRM and platform scopes an app may ask for (a subset of HubSpot's list: anything else is a typo). */
const SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'crm.objects.line_items.read',
  'crm.objects.quotes.read',
  'crm.schemas.contacts.read',
  'crm.schemas.companies.read',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.lists.read',
  'crm.lists.write',
  'tickets',
  'timeline',
  'files',
  'forms',
  'automation',
];

export interface HubSpotEmulator extends ProviderEmulator {
  portal: { id: number; domain: string };
  deals: Array<{ id: string; properties: Record<string, string> }>;
  /** Moves a deal to a stage as a person would in HubSpot: stamps the stage-entry and modified times. */
  moveDeal(id: string, stage: string): void;
  /** Changes other properties of a deal (its modified time moves, its stage does not). */
  editDeal(id: string, properties: Record<string, string>): void;
  /** CRM search requests served (POST /crm/v3/objects/deals/search), in order. */
  searches: Array<Record<string, unknown>>;
  /** CRM owners (the AEs), companies, contacts and which of them each deal is associated with. */
  crm: HubSpotCrm;
  /** Custom deal properties created in the portal (by name), with their enumeration options if any. */
  dealProperties: Map<string, { type: string; options: string[] }>;
  /** The portal's deal pipelines, as GET /crm/v3/pipelines/deals lists them. */
  pipelines: Array<{
    id: string;
    label: string;
    displayOrder: number;
    stages: Array<{ id: string; label: string; displayOrder: number }>;
  }>;
  /** PATCHes to deals served so far (after validation), in order. */
  dealWrites: Array<{ id: string; properties: Record<string, string> }>;
  /** Answers for the next deal PATCHes instead of serving them (a 429 or 500 mid-workflow). */
  dealWriteFaults: Fault[];
}

export interface HubSpotCrm {
  owners: { id: string; email: string; firstName: string; lastName: string; userId: number }[];
  companies: { id: string; properties: Record<string, string> }[];
  contacts: { id: string; properties: Record<string, string> }[];
  /** Deal id → associated company and contact ids. */
  associations: Record<string, { companies?: string[]; contacts?: string[] }>;
}

/**
 * Owners, companies, contacts and deal associations: the people around a deal. Returns undefined for a
 * request that is not one of these routes.
 */
function crmPeopleRoutes(
  req: EmulatorRequest,
  scopes: string[],
  crm: HubSpotCrm,
): EmulatorResponse | undefined {
  const owner = /^\/crm\/v3\/owners\/([^/]+)$/.exec(req.path);
  if (owner && req.method === 'GET') {
    if (!scopes.includes('crm.objects.owners.read')) return fail(403);
    const by = req.url.searchParams.get('idProperty') ?? 'id';
    if (by !== 'id' && by !== 'userId') return fail(400, `Invalid idProperty: ${by}`);
    const id = decodeURIComponent(owner[1] ?? '');
    const o = crm.owners.find((x) => (by === 'id' ? x.id === id : String(x.userId) === id));
    if (!o) return fail(404, `Owner not found for id ${id}`);
    const now = new Date().toISOString();
    return {
      json: {
        ...o,
        type: 'PERSON',
        userIdIncludingInactive: o.userId,
        createdAt: now,
        updatedAt: now,
        archived: false,
      },
    };
  }
  const company = /^\/crm\/v3\/objects\/companies\/([^/]+)$/.exec(req.path);
  if (company && req.method === 'GET') {
    if (!scopes.includes('crm.objects.companies.read')) return fail(403);
    const c = crm.companies.find((x) => x.id === decodeURIComponent(company[1] ?? ''));
    if (!c) return fail(404, 'Object not found.  objectId are usually numeric.');
    return { json: objectWith(req, c, ['name', 'domain']) };
  }
  if (req.path === '/crm/v3/objects/contacts/batch/read' && req.method === 'POST') {
    if (!scopes.includes('crm.objects.contacts.read')) return fail(403);
    const body = req.body as { inputs?: { id?: unknown }[]; properties?: unknown };
    if (!Array.isArray(body.inputs) || !Array.isArray(body.properties))
      return fail(400, 'Invalid input JSON: inputs and properties are required');
    if (body.inputs.length > 100) return fail(400, 'Too many inputs: at most 100');
    const names = ['hs_object_id', ...(body.properties as string[])];
    const now = new Date().toISOString();
    const results = body.inputs
      .map((i) => crm.contacts.find((c) => c.id === String(i.id)))
      .filter((c) => c !== undefined)
      .map((c) => ({
        id: c.id,
        properties: Object.fromEntries(
          names.map((n) => [n, n === 'hs_object_id' ? c.id : (c.properties[n] ?? null)]),
        ),
        createdAt: now,
        updatedAt: now,
        archived: false,
      }));
    return { json: { status: 'COMPLETE', results, startedAt: now, completedAt: now } };
  }
  return undefined;
}

/** A CRM object with the asked properties (or `defaults`), null for those without a value. */
function objectWith(
  req: EmulatorRequest,
  o: { id: string; properties: Record<string, string> },
  defaults: string[],
) {
  const asked = req.url.searchParams.getAll('properties').flatMap((p) => p.split(','));
  const names = ['hs_object_id', ...(asked.length ? asked : defaults)];
  const now = new Date().toISOString();
  return {
    id: o.id,
    properties: Object.fromEntries(
      names.map((n) => [n, n === 'hs_object_id' ? o.id : (o.properties[n] ?? null)]),
    ),
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
}

/** `associations=companies,contacts` (comma separated or repeated) on a deal read. */
function dealAssociations(req: EmulatorRequest, crm: HubSpotCrm, dealId: string) {
  const asked = req.url.searchParams.getAll('associations').flatMap((p) => p.split(','));
  const linked = crm.associations[dealId] ?? {};
  const out: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const kind of asked) {
    const ids = linked[kind as 'companies' | 'contacts'] ?? [];
    if (ids.length)
      out[kind] = {
        results: ids.map((id) => ({ id, type: `deal_to_${kind.replace(/ies$/, 'y').replace(/s$/, '')}` })),
      };
  }
  return Object.keys(out).length ? { associations: out } : {};
}

const CATEGORY: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'INVALID_AUTHENTICATION',
  403: 'MISSING_SCOPES',
  404: 'OBJECT_NOT_FOUND',
  429: 'RATE_LIMITS',
};

function errorBody(status: number, message?: string): Record<string, unknown> {
  const defaults: Record<number, string> = {
    401: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
    403: "This app hasn't been granted all required scopes to make this call.",
    429: 'You have reached your ten_secondly_rolling limit.',
  };
  return {
    status: 'error',
    message: message ?? defaults[status] ?? 'internal error',
    correlationId: randomUUID(),
    category: CATEGORY[status] ?? 'INTERNAL_ERROR',
    ...(status === 429 ? { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } : {}),
  };
}

const fail = (status: number, message?: string): EmulatorResponse => ({
  status,
  json: errorBody(status, message),
});

/** HubSpot's token errors are not RFC 6749: `{ status: 'BAD_REFRESH_TOKEN', message }` and friends. */
function oauthError(error: string, description: string) {
  const status =
    error === 'invalid_grant'
      ? /refresh/i.test(description)
        ? 'BAD_REFRESH_TOKEN'
        : /redirect_uri/i.test(description)
          ? 'BAD_REDIRECT_URI'
          : 'BAD_AUTH_CODE'
      : error === 'invalid_client'
        ? 'BAD_CLIENT_ID'
        : error === 'unsupported_grant_type'
          ? 'BAD_GRANT_TYPE'
          : 'BAD_REQUEST';
  return { status: 400, json: { status, message: description, correlationId: randomUUID() } };
}

export async function startHubSpotEmulator(): Promise<HubSpotEmulator> {
  const portal = { id: 1234567, domain: 'acme.com' };
  const deals: HubSpotEmulator['deals'] = [
    {
      id: '9876543210',
      properties: {
        dealname: 'Acme Corp — annual',
        dealstage: 'closedwon',
        amount: '48000',
        pipeline: 'default',
        hs_object_id: '9876543210',
      },
    },
  ];
  const crm: HubSpotCrm = { owners: [], companies: [], contacts: [], associations: {} };
  // The token-info route needs the core's token table; the core exists only once started.
  let core: OAuthEmulator | undefined;
  const search: SearchState = { requests: [], spent: [], startedAt: new Date().toISOString() };
  const state: WriteBackState = {
    deals,
    dealProperties: new Map(),
    pipelines: defaultPipelines(),
    dealWrites: [],
    dealWriteFaults: [],
  };

  const api = (req: EmulatorRequest, ctx: ApiContext): EmulatorResponse => {
    const info = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(req.path);
    if (info && req.method === 'GET') {
      // The token travels in the path, not a header.
      const token = decodeURIComponent(info[1] ?? '');
      const record = core?.tokenInfo(token);
      if (!record) return fail(401, 'The OAuth token used to make this call expired or is invalid.');
      return {
        json: {
          token,
          user: 'csm@acme.com',
          hub_domain: portal.domain,
          scopes: record.scopes,
          hub_id: portal.id,
          app_id: 424242,
          expires_in: Math.max(0, Math.round(((record.expiresAt ?? Date.now()) - Date.now()) / 1000)),
          user_id: 7001,
          token_type: 'access',
        },
      };
    }
    if (!ctx.token) return fail(401);
    const people = crmPeopleRoutes(req, ctx.token.scopes, crm);
    if (people) return people;
    if (req.path === '/crm/v3/objects/deals' && req.method === 'GET') {
      if (!ctx.token.scopes.includes('crm.objects.deals.read')) return fail(403);
      return { json: dealsPage(req, deals, ctx.base) };
    }
    if (req.path === '/crm/v3/objects/deals/search' && req.method === 'POST') {
      if (!ctx.token.scopes.includes('crm.objects.deals.read')) return fail(403);
      search.requests.push(req.body);
      return searchDeals(req, deals, search);
    }
    const written = writeBackRoutes(req, ctx, state);
    if (written) return written;
    const one = /^\/crm\/v3\/objects\/deals\/([^/]+)$/.exec(req.path);
    if (one && req.method === 'GET') {
      if (!ctx.token.scopes.includes('crm.objects.deals.read')) return fail(403);
      const deal = deals.find((d) => d.id === decodeURIComponent(one[1] ?? ''));
      if (!deal) return fail(404, 'Object not found.  objectId are usually numeric.');
      return { json: { ...dealById(req, deal), ...dealAssociations(req, crm, deal.id) } };
    }
    return fail(404, `No route for ${req.method} ${req.path}`);
  };

  core = await startOAuthEmulator({
    name: 'hubspot',
    paths: PATHS,
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: 'optional',
    refreshTokens: 'same',
    accessTokenTtl: 1800,
    // No `scope` in the token response that Thread reads: the grant is in the token info above.
    scopes: { separator: ' ', known: SCOPES },
    authorizeErrors: 'page',
    revoke: {
      path: '/oauth/v1/refresh-tokens',
      method: 'DELETE',
      clientAuth: 'none',
      token: 'path',
      ends: 'refresh-token',
    },
    rateLimit: { limit: 110, windowMs: 10_000, answer: tooManyRequests(errorBody) },
    oauthError,
    api,
  });
  const emulator = withProviderExtras(core, { prefix: 'HUBSPOT', apiPath: '', errorBody });
  const touch = (id: string, properties: Record<string, string>) => {
    const deal = deals.find((d) => d.id === id);
    if (!deal) throw new Error(`no deal ${id} in the HubSpot emulator`);
    // HubSpot's modified times are milliseconds; two changes in one millisecond would sort as one.
    const last = Date.parse(deal.properties.hs_lastmodifieddate ?? '');
    const now = new Date(Math.max(Date.now(), Number.isNaN(last) ? 0 : last + 1));
    Object.assign(deal.properties, properties, { hs_lastmodifieddate: now.toISOString() });
    return now;
  };
  return Object.assign(emulator, {
    portal,
    deals,
    searches: search.requests,
    moveDeal(id: string, stage: string) {
      const at = touch(id, { dealstage: stage });
      deals.find((d) => d.id === id)!.properties[`hs_v2_date_entered_${stage}`] = at.toISOString();
    },
    editDeal: (id: string, properties: Record<string, string>) => void touch(id, properties),
    crm,
    dealProperties: state.dealProperties,
    pipelines: state.pipelines,
    dealWrites: state.dealWrites,
    dealWriteFaults: state.dealWriteFaults,
  });
}

/** GET /crm/v3/objects/deals: `limit` and `after` paging, HubSpot's object shape. */
function dealsPage(req: EmulatorRequest, deals: HubSpotEmulator['deals'], base: string) {
  const limit = Math.min(100, Number(req.url.searchParams.get('limit') ?? 10));
  const start = Number(req.url.searchParams.get('after') ?? 0);
  const slice = deals.slice(start, start + limit);
  const now = new Date().toISOString();
  const next = start + limit < deals.length ? String(start + limit) : undefined;
  return {
    results: slice.map((d) => ({ ...d, createdAt: now, updatedAt: now, archived: false })),
    ...(next
      ? { paging: { next: { after: next, link: `${base}/crm/v3/objects/deals?after=${next}` } } }
      : {}),
  };
}

/** Returned whatever `properties` asks for, as HubSpot does. */
const ALWAYS = ['hs_object_id', 'createdate', 'hs_lastmodifieddate'];
/** What HubSpot returns for a deal when `properties` is not given. */
const DEFAULT_DEAL_PROPERTIES = ['dealname', 'amount', 'closedate', 'dealstage', 'pipeline'];

/** GET /crm/v3/objects/deals/{dealId}: the requested properties (null when unset), HubSpot's object shape. */
function dealById(req: EmulatorRequest, deal: HubSpotEmulator['deals'][number]) {
  // The SDK repeats the parameter (`properties=a&properties=b`); HubSpot also takes `properties=a,b`.
  const asked = req.url.searchParams.getAll('properties').flatMap((p) => p.split(','));
  const names = [...ALWAYS, ...(asked.length ? asked : DEFAULT_DEAL_PROPERTIES)];
  const now = new Date().toISOString();
  const values: Record<string, string | null> = {
    hs_object_id: deal.id,
    createdate: now,
    hs_lastmodifieddate: now,
  };
  return {
    id: deal.id,
    properties: Object.fromEntries(names.map((n) => [n, deal.properties[n] ?? values[n] ?? null])),
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
}

// ---- CRM search (the polling fallback) ----------------------------------------------------------------
// https://developers.hubspot.com/docs/api-reference/search/guide — `POST /crm/v3/objects/{object}/search`:
// `filterGroups` (up to 5 groups, 6 filters each, 18 in all), one sort rule per search, `limit` up to 200,
// `after` paging with at most 10,000 results per query (beyond: 400), `properties` names what is returned
// (default deal properties otherwise, plus hs_object_id, createdate and hs_lastmodifieddate), its own rate
// limit of 5 requests per second per account (429, HubSpot's error body), datetime filter values as epoch
// milliseconds (or ISO 8601). The response is `{ total, results, paging?: { next: { after } } }`.

interface SearchState {
  requests: Array<Record<string, unknown>>;
  /** Times of recent searches: the search API's own per-second limit. */
  spent: number[];
  /** Deals with no modified time of their own were last modified when the emulator started. */
  startedAt: string;
}

const SEARCH_PER_SECOND = 5;
const SEARCH_MAX_LIMIT = 200;
const SEARCH_MAX_RESULTS = 10_000;
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);
const DATETIME_PROPERTIES = new Set(['hs_lastmodifieddate', 'createdate', 'closedate']);

interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
}

function searchDeals(
  req: EmulatorRequest,
  deals: HubSpotEmulator['deals'],
  state: SearchState,
): EmulatorResponse {
  const now = Date.now();
  state.spent = state.spent.filter((t) => t > now - 1000);
  if (state.spent.length >= SEARCH_PER_SECOND) {
    return {
      status: 429,
      headers: { 'retry-after': '1' },
      json: errorBody(429, 'You have reached your secondly limit.'),
    };
  }
  state.spent.push(now);
  const body = req.body;
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
    return fail(400, `limit must be between 1 and ${SEARCH_MAX_LIMIT}`);
  }
  const after = body.after === undefined ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) return fail(400, 'after must be a paging token');
  if (after + limit > SEARCH_MAX_RESULTS) {
    return fail(400, `paging past ${SEARCH_MAX_RESULTS} results is not supported; narrow the search`);
  }
  const groups = (body.filterGroups ?? []) as Array<{ filters?: SearchFilter[] }>;
  const filterCount = groups.reduce((n, g) => n + (g.filters?.length ?? 0), 0);
  if (
    !Array.isArray(groups) ||
    groups.length > 5 ||
    groups.some((g) => (g.filters?.length ?? 0) > 6) ||
    filterCount > 18
  ) {
    return fail(400, 'too many filterGroups or filters');
  }
  for (const f of groups.flatMap((g) => g.filters ?? [])) {
    if (typeof f.propertyName !== 'string' || !OPERATORS.has(f.operator)) {
      return fail(400, `Invalid filter operator ${String(f.operator)}`);
    }
  }
  const sorts = (body.sorts ?? []) as Array<{ propertyName?: string; direction?: string }>;
  if (!Array.isArray(sorts) || sorts.length > 1) return fail(400, 'only one sort is allowed per search');
  const sort = sorts[0];
  if (
    sort &&
    (typeof sort.propertyName !== 'string' || !['ASCENDING', 'DESCENDING'].includes(String(sort.direction)))
  ) {
    return fail(400, 'a sort is { propertyName, direction: ASCENDING | DESCENDING }');
  }

  const value = (deal: HubSpotEmulator['deals'][number], name: string) =>
    name === 'hs_lastmodifieddate'
      ? (deal.properties.hs_lastmodifieddate ?? state.startedAt)
      : name === 'hs_object_id'
        ? deal.id
        : deal.properties[name];
  const comparable = (name: string, v: string | undefined) =>
    v === undefined
      ? undefined
      : DATETIME_PROPERTIES.has(name)
        ? /^\d+$/.test(v)
          ? Number(v)
          : Date.parse(v)
        : v;
  const matches = (deal: HubSpotEmulator['deals'][number], f: SearchFilter) => {
    const have = comparable(f.propertyName, value(deal, f.propertyName));
    const want = comparable(f.propertyName, f.value);
    switch (f.operator) {
      case 'HAS_PROPERTY':
        return have !== undefined;
      case 'NOT_HAS_PROPERTY':
        return have === undefined;
      case 'EQ':
        return have === want;
      case 'NEQ':
        return have !== want;
    }
    if (have === undefined || want === undefined) return false;
    if (f.operator === 'LT') return have < want;
    if (f.operator === 'LTE') return have <= want;
    if (f.operator === 'GT') return have > want;
    return have >= want;
  };
  let found = deals.filter(
    (d) => !groups.length || groups.some((g) => (g.filters ?? []).every((f) => matches(d, f))),
  );
  if (sort) {
    const key = sort.propertyName!;
    const dir = sort.direction === 'DESCENDING' ? -1 : 1;
    found = [...found].sort((a, b) => {
      const x = comparable(key, value(a, key)) ?? '';
      const y = comparable(key, value(b, key)) ?? '';
      return (x < y ? -1 : x > y ? 1 : Number(a.id) - Number(b.id)) * dir;
    });
  }
  const asked = Array.isArray(body.properties) ? (body.properties as string[]) : DEFAULT_DEAL_PROPERTIES;
  const names = [...new Set([...ALWAYS, ...asked])];
  const slice = found.slice(after, after + limit);
  const next = after + limit < found.length ? String(after + limit) : undefined;
  return {
    json: {
      total: found.length,
      results: slice.map((d) => ({
        id: d.id,
        properties: Object.fromEntries(names.map((n) => [n, value(d, n) ?? null])),
        createdAt: state.startedAt,
        updatedAt: value(d, 'hs_lastmodifieddate'),
        archived: false,
      })),
      ...(next ? { paging: { next: { after: next } } } : {}),
    },
  };
}

// ─── Write-back and settings: deal PATCH, property create, pipelines ───────────────────────────────

type WriteBackState = Pick<
  HubSpotEmulator,
  'deals' | 'dealProperties' | 'pipelines' | 'dealWrites' | 'dealWriteFaults'
>;

/** Deal properties every portal has (a subset: the ones Thread and the tests touch). */
const BUILT_IN_DEAL_PROPERTIES = new Set([
  'dealname',
  'dealstage',
  'pipeline',
  'amount',
  'closedate',
  'hubspot_owner_id',
  'deal_currency_code',
  'description',
]);

/** A new portal's one pipeline, "Sales Pipeline" (`default`), with HubSpot's default stage ids. */
function defaultPipelines(): WriteBackState['pipelines'] {
  const stages = [
    ['appointmentscheduled', 'Appointment Scheduled'],
    ['qualifiedtobuy', 'Qualified To Buy'],
    ['presentationscheduled', 'Presentation Scheduled'],
    ['decisionmakerboughtin', 'Decision Maker Bought-In'],
    ['contractsent', 'Contract Sent'],
    ['closedwon', 'Closed Won'],
    ['closedlost', 'Closed Lost'],
  ];
  return [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      stages: stages.map(([id, label], i) => ({ id: id!, label: label!, displayOrder: i })),
    },
  ];
}

function writeBackRoutes(
  req: EmulatorRequest,
  ctx: ApiContext,
  state: WriteBackState,
): EmulatorResponse | undefined {
  const scopes = ctx.token?.scopes ?? [];
  // docs/api-reference/crm-deals-v3/basic/patch-crm-v3-objects-0-3-dealId: `PATCH
  // /crm/v3/objects/deals/{dealId}` with `{ properties: { name: "string value" } }` → the deal; scope
  // crm.objects.deals.write. Unknown properties and enumeration values outside the options are a 400
  // VALIDATION_ERROR "Property values were not valid: [{isValid, message, error, name}]"
  // (developers.hubspot.com/changelog/upcoming-property-validations-rules-will-be-enforced-for-apis-and-integrations).
  const one = /^\/crm\/v3\/objects\/deals\/([^/]+)$/.exec(req.path);
  if (one && req.method === 'PATCH') {
    if (!scopes.includes('crm.objects.deals.write')) return fail(403);
    const fault = state.dealWriteFaults.shift();
    if (fault && 'status' in fault) {
      return {
        status: fault.status,
        json: fault.body ?? errorBody(fault.status),
        ...(fault.retryAfter !== undefined ? { headers: { 'retry-after': String(fault.retryAfter) } } : {}),
      };
    }
    const deal = state.deals.find((d) => d.id === decodeURIComponent(one[1] ?? ''));
    if (!deal) return fail(404, 'Object not found.  objectId are usually numeric.');
    const properties = req.body.properties;
    if (!properties || typeof properties !== 'object' || Array.isArray(properties)) {
      return fail(400, 'Invalid input JSON on line 1: properties is required');
    }
    const problems: Record<string, string>[] = [];
    for (const [name, value] of Object.entries(properties as Record<string, unknown>)) {
      const custom = state.dealProperties.get(name);
      if (!custom && !BUILT_IN_DEAL_PROPERTIES.has(name)) {
        problems.push({
          isValid: false as never,
          message: `Property "${name}" does not exist`,
          error: 'PROPERTY_DOESNT_EXIST',
          name,
          localizedErrorMessage: `Property "${name}" does not exist`,
        });
      } else if (typeof value !== 'string') {
        problems.push({
          isValid: false as never,
          message: `${JSON.stringify(value)} is not a string`,
          error: 'INVALID_TYPE',
          name,
        });
      } else if (custom?.type === 'enumeration' && value !== '' && !custom.options.includes(value)) {
        problems.push({
          isValid: false as never,
          message: `${value} was not one of the allowed options: [${custom.options.join(', ')}]`,
          error: 'INVALID_OPTION',
          name,
        });
      }
    }
    if (problems.length) {
      return fail(400, `Property values were not valid: ${JSON.stringify(problems)}`);
    }
    Object.assign(deal.properties, properties);
    state.dealWrites.push({ id: deal.id, properties: { ...(properties as Record<string, string>) } });
    return { json: dealById(req, deal) };
  }
  // docs/api-reference/latest/crm/properties/create-property: `POST /crm/v3/properties/{objectType}`
  // with name, label, type, fieldType, groupName (+ options for enumerations) → 201 and the property;
  // scope crm.schemas.{object}.write; a name already taken is a 409 CONFLICT.
  if (req.path === '/crm/v3/properties/deals' && req.method === 'POST') {
    if (!scopes.includes('crm.schemas.deals.write')) return fail(403);
    const b = req.body as {
      name?: unknown;
      label?: unknown;
      type?: unknown;
      fieldType?: unknown;
      groupName?: unknown;
      options?: unknown;
    };
    if ([b.name, b.label, b.type, b.fieldType, b.groupName].some((v) => typeof v !== 'string' || !v)) {
      return fail(400, 'Invalid input JSON: name, label, type, fieldType and groupName are required');
    }
    const name = String(b.name);
    if (state.dealProperties.has(name) || BUILT_IN_DEAL_PROPERTIES.has(name)) {
      return {
        status: 409,
        json: { ...errorBody(400, `Property named '${name}' already exists.`), category: 'CONFLICT' },
      };
    }
    const options = Array.isArray(b.options)
      ? (b.options as { value?: unknown }[]).map((o) => String(o.value))
      : [];
    if (b.type === 'enumeration' && !options.length) return fail(400, 'Enumeration properties need options');
    state.dealProperties.set(name, { type: String(b.type), options });
    return {
      status: 201,
      json: { ...b, hidden: false, hubspotDefined: false, createdAt: new Date().toISOString() },
    };
  }
  // docs/api-reference/crm-pipelines-v3/guide: `GET /crm/v3/pipelines/deals` → `{ results: [pipeline] }`,
  // each with id, label, displayOrder, archived and its stages (id, label, displayOrder, metadata).
  if (req.path === '/crm/v3/pipelines/deals' && req.method === 'GET') {
    if (!scopes.includes('crm.objects.deals.read')) return fail(403);
    const now = new Date().toISOString();
    return {
      json: {
        results: state.pipelines.map((p) => ({
          ...p,
          archived: false,
          createdAt: now,
          updatedAt: now,
          stages: p.stages.map((st) => ({
            ...st,
            archived: false,
            metadata: {
              isClosed: String(/^closed/.test(st.id)),
              probability: st.id === 'closedwon' ? '1.0' : '0.2',
            },
            createdAt: now,
            updatedAt: now,
            writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
          })),
        })),
      },
    };
  }
  return undefined;
}
