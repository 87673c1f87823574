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
  opportunities: Array<{ Id: string; Name: string; StageName: string }>;
  /** REST calls served so far: each spends one of the org's daily API requests. */
  apiCalls: number;
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
  const opportunities = [{ Id: '0065e00000AbCdEAAV', Name: 'Acme Corp — annual', StageName: 'Closed Won' }];
  let core: OAuthEmulator | undefined;
  const state = { apiCalls: 0 };

  const api = (req: EmulatorRequest, ctx: ApiContext): EmulatorResponse => {
    const rest = /^\/services\/data\/v(\d+\.\d)(\/.*)$/.exec(req.path);
    if (!rest) return fail(404);
    if (!ctx.token) return fail(401);
    state.apiCalls++;
    const [, version, resource] = rest;
    const usage = { 'sforce-limit-info': `api-usage=${state.apiCalls}/${DAILY_API_REQUESTS}` };
    if (resource === '/limits' && req.method === 'GET') {
      return { headers: usage, json: limits(state.apiCalls) };
    }
    if (resource === '/query' && req.method === 'GET') {
      const soql = req.url.searchParams.get('q') ?? '';
      const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1];
      const rows: Array<Record<string, string>> =
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
  return Object.assign(emulator as typeof emulator & { apiCalls: number }, { org, opportunities });
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
