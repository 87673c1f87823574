/**
 * Salesforce emulator: OAuth as Salesforce does it, plus the REST subset jsforce calls: SOQL `query`
 * (Organization, Opportunity) and `limits`. Errors are Salesforce's `[{ message, errorCode }]`.
 *
 * Sources (developer.salesforce.com, help.salesforce.com):
 * - "OAuth 2.0 Web Server Flow for Web App Integration": form-encoded POST to /services/oauth2/token
 *   with client_id/client_secret in the body; PKCE (`code_challenge`) is checked when sent and orgs may
 *   require it — so we require it; a `refresh_token` comes only when the `refresh_token` (or
 *   `offline_access`) scope is granted; the response has `instance_url`, `id`, `issued_at`, `signature`,
 *   `scope` (space-separated, e.g. `refresh_token api`) and no `expires_in` (the session ends on the
 *   org's timeout); a refresh answers without a new refresh token.
 * - A request body that is not form-encoded finds no `grant_type`: `unsupported_grant_type` "grant type
 *   not supported".
 * - login.salesforce.com/.well-known/openid-configuration: `scopes_supported` (the list below).
 * - "Revoke OAuth Tokens": POST /services/oauth2/revoke with `token=`; no client authentication.
 * - "API Request Limits and Allocations": a daily org allowance (15,000 on a Developer Edition); over it,
 *   403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." — no 429, no Retry-After.
 */
import { createHmac } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { type ApiContext, type OAuthEmulator, startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/services/oauth2/authorize', token: '/services/oauth2/token' };

const DAILY_API_REQUESTS = 15_000;

const SCOPES = [
  'api',
  'refresh_token',
  'offline_access',
  'full',
  'id',
  'web',
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'chatter_api',
  'visualforce',
  'content',
  'custom_permissions',
  'wave_api',
  'lightning',
  'cdp_api',
  'pardot_api',
  'eclair_api',
  'interaction_api',
  'chatbot_api',
];

export interface SalesforceEmulator extends ProviderEmulator {
  org: { id: string; name: string; userId: string };
  opportunities: Array<Record<string, unknown> & { Id: string; Name: string; StageName: string }>;
  /** REST calls served so far: each spends one of the org's daily API requests. */
  apiCalls: number;
  /** Custom fields an admin added to Opportunity (API name → type), which PATCH accepts. */
  opportunityCustomFields: Map<string, string>;
  /** The active and inactive values of Opportunity.StageName, as describe lists them. */
  stageValues: Array<{ value: string; label: string; active: boolean }>;
}

const ERROR_CODE: Record<number, [string, string]> = {
  400: ['MALFORMED_QUERY', 'unexpected token'],
  401: ['INVALID_SESSION_ID', 'Session expired or invalid'],
  403: ['INSUFFICIENT_ACCESS', 'insufficient access rights on object id'],
  404: ['NOT_FOUND', 'The requested resource does not exist'],
  429: ['REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'],
};

function errorBody(status: number, message?: string, code?: string): unknown {
  const [errorCode, text] = ERROR_CODE[status] ?? ['UNKNOWN_EXCEPTION', 'An unexpected error occurred.'];
  return [{ message: message ?? text, errorCode: code ?? errorCode }];
}

const fail = (status: number, message?: string, code?: string): EmulatorResponse => ({
  status,
  json: errorBody(status, message, code),
});

export async function startSalesforceEmulator(): Promise<SalesforceEmulator> {
  const org = { id: '00D5e000000AbCdEAF', name: 'Acme Corp', userId: '0055e000001XyZwAAK' };
  const opportunities: SalesforceEmulator['opportunities'] = [
    { Id: '0065e00000AbCdEAAV', Name: 'Acme Corp — annual', StageName: 'Closed Won' },
  ];
  let core: OAuthEmulator | undefined;
  const state = { apiCalls: 0 };
  const state2: WriteBackState = {
    opportunities,
    opportunityCustomFields: new Map(),
    stageValues: defaultStages(),
  };

  const api = (req: EmulatorRequest, ctx: ApiContext): EmulatorResponse => {
    const rest = /^\/services\/data\/v(\d+\.\d)(\/.*)$/.exec(req.path);
    if (!rest) return fail(404);
    if (!ctx.token) return fail(401);
    state.apiCalls++;
    const [, version, resource] = rest;
    const usage = { 'sforce-limit-info': `api-usage=${state.apiCalls}/${DAILY_API_REQUESTS}` };
    const served = writeBackRoutes(req, resource ?? '', version ?? '', state2, usage);
    if (served) return served;
    if (resource === '/limits' && req.method === 'GET') {
      return { headers: usage, json: limits(state.apiCalls) };
    }
    if (resource === '/query' && req.method === 'GET') {
      const soql = req.url.searchParams.get('q') ?? '';
      const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1];
      const rows: Array<Record<string, unknown>> =
        from === 'Organization'
          ? [{ Id: org.id, Name: org.name }]
          : from === 'Opportunity'
            ? opportunities
            : [];
      if (from !== 'Organization' && from !== 'Opportunity') {
        return fail(400, `sObject type '${from}' is not supported.`);
      }
      const limit = Number(/\bLIMIT\s+(\d+)/i.exec(soql)?.[1] ?? rows.length);
      const records = rows.slice(0, limit).map((r) => ({
        attributes: { type: from, url: `/services/data/v${version}/sobjects/${from}/${r.Id}` },
        ...r,
      }));
      return { headers: usage, json: { totalSize: records.length, done: true, records } };
    }
    return fail(404);
  };

  core = await startOAuthEmulator({
    name: 'salesforce',
    paths: PATHS,
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: 'required',
    refreshTokens: 'omitted',
    scopes: { separator: ' ', known: SCOPES, report: (granted) => granted.join(' ') },
    refreshTokenFor: ({ scopes }) => scopes.includes('refresh_token') || scopes.includes('offline_access'),
    authorizeErrors: 'redirect',
    // Salesforce's own words for the common token errors; always 400.
    oauthError: (error, description) => ({
      status: 400,
      json: {
        error,
        error_description:
          error === 'unsupported_grant_type'
            ? 'grant type not supported'
            : error === 'invalid_client'
              ? 'invalid client credentials'
              : /expired/.test(description)
                ? 'expired authorization code'
                : description,
      },
    }),
    revoke: {
      path: '/services/oauth2/revoke',
      method: 'POST',
      clientAuth: 'none',
      token: 'form',
      ends: 'grant',
    },
    rateLimit: {
      limit: DAILY_API_REQUESTS,
      windowMs: 24 * 3600_000,
      answer: () => fail(403, 'TotalRequests Limit exceeded.', 'REQUEST_LIMIT_EXCEEDED'),
    },
    extraTokenFields: (base) => {
      const id = `${base}/id/${org.id}/${org.userId}`;
      const issuedAt = String(Date.now());
      // Salesforce signs id + issued_at with the client secret so the client can check the response.
      const signature = createHmac('sha256', core?.clientSecret ?? '')
        .update(id + issuedAt)
        .digest('base64');
      return { instance_url: base, id, issued_at: issuedAt, signature };
    },
    api,
  });
  // No SALESFORCE_API_URL: the API base comes from instance_url in the token response.
  const emulator = withProviderExtras(core, { prefix: 'SALESFORCE', errorBody });
  // A live getter (Object.assign would copy today's value).
  Object.defineProperty(emulator, 'apiCalls', { get: () => state.apiCalls, enumerable: true });
  return Object.assign(emulator as typeof emulator & { apiCalls: number }, {
    org,
    opportunities,
    opportunityCustomFields: state2.opportunityCustomFields,
    stageValues: state2.stageValues,
  });
}

// ─── Write-back and settings: Opportunity describe and PATCH ──────────────────────────────────────

interface WriteBackState {
  opportunities: Array<Record<string, unknown> & { Id: string }>;
  opportunityCustomFields: Map<string, string>;
  stageValues: SalesforceEmulator['stageValues'];
}

/** Opportunity's standard fields (the subset Thread and the tests touch). */
const STANDARD_OPPORTUNITY_FIELDS: Record<string, string> = {
  Id: 'id',
  Name: 'string',
  StageName: 'picklist',
  Amount: 'currency',
  CloseDate: 'date',
  OwnerId: 'reference',
};

/** A new org's StageName values. */
function defaultStages(): SalesforceEmulator['stageValues'] {
  return [
    'Prospecting',
    'Qualification',
    'Needs Analysis',
    'Value Proposition',
    'Id. Decision Makers',
    'Perception Analysis',
    'Proposal/Price Quote',
    'Negotiation/Review',
    'Closed Won',
    'Closed Lost',
  ].map((v) => ({ value: v, label: v, active: true }));
}

function writeBackRoutes(
  req: EmulatorRequest,
  resource: string,
  version: string,
  state: WriteBackState,
  headers: Record<string, string>,
): EmulatorResponse | undefined {
  // "sObject Describe": GET /services/data/vXX.X/sobjects/{sObject}/describe → name, label and fields[],
  // each with name, label, type, custom and picklistValues[] { active, defaultValue, label, validFor,
  // value } (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_describe.htm).
  if (resource === '/sobjects/Opportunity/describe' && req.method === 'GET') {
    const fields = { ...STANDARD_OPPORTUNITY_FIELDS, ...Object.fromEntries(state.opportunityCustomFields) };
    return {
      headers,
      json: {
        name: 'Opportunity',
        label: 'Opportunity',
        custom: false,
        updateable: true,
        urls: { sobject: `/services/data/v${version}/sobjects/Opportunity` },
        fields: Object.entries(fields).map(([name, type]) => ({
          name,
          label: name.replace(/__c$/, '').replaceAll('_', ' '),
          type,
          custom: name.endsWith('__c'),
          updateable: name !== 'Id',
          picklistValues:
            name === 'StageName'
              ? state.stageValues.map((v) => ({ ...v, defaultValue: false, validFor: null }))
              : [],
        })),
      },
    };
  }
  // "Update a Record": PATCH /services/data/vXX.X/sobjects/{sObject}/{id} with the fields → 204, no body
  // (developer.salesforce.com/docs/platform/api-rest/guide/dome-update-fields.html). An unknown field is
  // 400 [{ errorCode: 'INVALID_FIELD', message: "No such column '…' on sobject of type Opportunity" }];
  // an unknown id 404 NOT_FOUND ("Status Codes and Error Responses", …/api_rest/errorcodes.htm).
  const one = /^\/sobjects\/Opportunity\/([A-Za-z0-9]{15,18})$/.exec(resource);
  if (one && req.method === 'PATCH') {
    if (!String(req.headers['content-type'] ?? '').includes('json') || req.body.__unparseable) {
      return {
        status: 400,
        headers,
        json: [{ message: 'The request body is not JSON', errorCode: 'JSON_PARSER_ERROR' }],
      };
    }
    const record = state.opportunities.find((o) => o.Id === one[1]);
    if (!record) return { status: 404, headers, json: errorBody(404) };
    for (const name of Object.keys(req.body)) {
      if (!(name in STANDARD_OPPORTUNITY_FIELDS) && !state.opportunityCustomFields.has(name)) {
        return {
          status: 400,
          headers,
          json: [
            {
              message: `No such column '${name}' on sobject of type Opportunity`,
              errorCode: 'INVALID_FIELD',
              fields: [],
            },
          ],
        };
      }
    }
    if ('Id' in req.body) {
      return {
        status: 400,
        headers,
        json: [
          {
            message: 'Unable to create/update fields: Id.',
            errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
            fields: ['Id'],
          },
        ],
      };
    }
    Object.assign(record, req.body);
    return { status: 204, headers };
  }
  return undefined;
}

/** The part of GET /limits Thread reads, plus neighbours so the shape is realistic. */
function limits(used: number) {
  return {
    DailyApiRequests: { Max: DAILY_API_REQUESTS, Remaining: DAILY_API_REQUESTS - used },
    DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
    DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
  };
}
