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

/** An opportunity as the org holds it; the poll's and the deal read's fields are optional here. */
export interface SalesforceOpportunity {
  Id: string;
  Name: string;
  StageName: string;
  Amount?: number | null;
  CloseDate?: string | null;
  OwnerId?: string;
  Owner?: { Name: string; Email: string | null };
  Account?: { Name: string; Website: string | null } | null;
  LastStageChangeDate?: string | null;
  CreatedDate?: string;
  SystemModstamp?: string;
  /** Custom fields (Thread_Onboarding_Stage__c…) written back by Thread. */
  [field: string]: unknown;
}

export interface SalesforceEmulator extends ProviderEmulator {
  org: { id: string; name: string; userId: string };
  opportunities: SalesforceOpportunity[];
  /** Moves an opportunity to a stage as a user would: LastStageChangeDate and SystemModstamp move. */
  moveOpportunity(id: string, stage: string): void;
  /** Edits other fields: SystemModstamp moves, the stage does not. */
  editOpportunity(id: string, fields: Partial<SalesforceOpportunity>): void;
  /** SOQL statements served, in order. */
  queries: string[];
  /** REST calls served so far: each spends one of the org's daily API requests. */
  apiCalls: number;
  /** Custom fields an admin added to Opportunity (API name → type), which PATCH accepts. */
  opportunityCustomFields: Map<string, string>;
  /** The active and inactive values of Opportunity.StageName, as describe lists them. */
  stageValues: Array<{ value: string; label: string; active: boolean }>;
  /** Opportunity PATCHes served (Thread's write-backs), in order. */
  opportunityWrites: Array<{ id: string; fields: Record<string, unknown> }>;
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
  const opportunities: SalesforceOpportunity[] = [
    { Id: '0065e00000AbCdEAAV', Name: 'Acme Corp — annual', StageName: 'Closed Won' },
  ];
  const queries: string[] = [];
  let core: OAuthEmulator | undefined;
  const state = { apiCalls: 0 };
  const state2: WriteBackState = {
    opportunities,
    opportunityCustomFields: new Map(),
    stageValues: defaultStages(),
    writes: [],
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
      if (from === 'Opportunity') {
        queries.push(soql);
        return {
          headers: usage,
          ...opportunityQuery(soql, opportunities, version!, org.userId, state2.opportunityCustomFields),
        };
      }
      const rows: Array<Record<string, string>> =
        from === 'Organization' ? [{ Id: org.id, Name: org.name }] : [];
      if (from !== 'Organization') {
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
  const touch = (id: string, fields: Partial<SalesforceOpportunity>) => {
    const opp = opportunities.find((o) => o.Id === id);
    if (!opp) throw new Error(`no opportunity ${id} in the Salesforce emulator`);
    const now = sfDateTime(new Date());
    Object.assign(opp, fields, { SystemModstamp: now });
    return now;
  };
  return Object.assign(emulator as typeof emulator & { apiCalls: number }, {
    org,
    opportunities,
    queries,
    moveOpportunity(id: string, stage: string) {
      const at = touch(id, { StageName: stage });
      opportunities.find((o) => o.Id === id)!.LastStageChangeDate = at;
    },
    editOpportunity: (id: string, fields: Partial<SalesforceOpportunity>) => void touch(id, fields),
    opportunityCustomFields: state2.opportunityCustomFields,
    stageValues: state2.stageValues,
    opportunityWrites: state2.writes,
  });
}

// ─── Write-back and settings: Opportunity describe and PATCH ──────────────────────────────────────

interface WriteBackState {
  opportunities: Array<Record<string, unknown> & { Id: string }>;
  opportunityCustomFields: Map<string, string>;
  stageValues: SalesforceEmulator['stageValues'];
  writes: SalesforceEmulator['opportunityWrites'];
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
    // Every change moves SystemModstamp, Thread's own writes included: the next poll reads them back.
    Object.assign(record, req.body, { SystemModstamp: sfDateTime(new Date()) });
    state.writes.push({ id: record.Id, fields: { ...req.body } });
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

// ---- SOQL on Opportunity (the poll and the deal read) ---------------------------------------------------
// Salesforce's rules, as strict as the org: only fields that exist on a standard single-currency org's
// Opportunity (anything else, CurrencyIsoCode included, is 400 INVALID_FIELD "No such column"), relationship
// fields Owner.* and Account.* returned as nested records (null when empty), dateTime literals unquoted
// (a quoted one is INVALID_QUERY_FILTER_OPERATOR), anything else unparseable is MALFORMED_QUERY.
// Sources: SOQL and SOSL Reference, "Date Formats and Date Literals"
// (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm):
// `YYYY-MM-DDThh:mm:ss+hh:mm`, `…-hh:mm` or `…Z`, never in quotes; Object Reference, Opportunity
// (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm):
// LastStageChangeDate, SystemModstamp (second precision, returned as `…T…:ss.000+0000`); REST errors are
// arrays of `{ message, errorCode }`. A custom field is selectable only once it exists (and Thread's user
// can see it): naming one that does not fails the whole query with 400 INVALID_FIELD "No such column
// '…' on entity 'Opportunity'. If you are attempting to use a custom field, be sure to append the '__c'…"
// (REST API Developer Guide, "Status Codes and Error Responses":
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm — 400: "The
// request couldn't be understood, usually because the JSON or XML body contains an error"), the same
// answer for a field hidden from the user by field-level security.

const OPPORTUNITY_FIELDS = new Set([
  'Id',
  'Name',
  'StageName',
  'Amount',
  'CloseDate',
  'OwnerId',
  'AccountId',
  'LastStageChangeDate',
  'CreatedDate',
  'SystemModstamp',
  'LastModifiedDate',
  'IsClosed',
  'IsWon',
  'Owner.Name',
  'Owner.Email',
  'Account.Name',
  'Account.Website',
]);
const DATETIME_FIELDS = new Set(['LastStageChangeDate', 'CreatedDate', 'SystemModstamp', 'LastModifiedDate']);
const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** Salesforce's dateTime as the REST API returns it: milliseconds always .000, offset +0000. */
export function sfDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}.000+0000`;
}
const sfTime = (v: string) => Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

type Token = { kind: 'word' | 'string' | 'op' | 'paren' | 'number'; text: string };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  const re = /\s*(?:('(?:[^'\\]|\\.)*')|(<=|>=|!=|=|<|>)|([(),])|([A-Za-z_][\w.]*)|([0-9][0-9T:.+Z-]*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return `unexpected token: '${text.slice(at).trim().split(/\s/)[0]}'`;
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'string', text: m[1].slice(1, -1) });
    else if (m[2]) tokens.push({ kind: 'op', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'paren', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'word', text: m[4] });
    else tokens.push({ kind: 'number', text: m[5]! });
  }
  return tokens;
}

type Row = Record<string, unknown>;
type Predicate = (row: Row) => boolean;
class SoqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const noSuchColumn = (field: string) =>
  new SoqlError(
    'INVALID_FIELD',
    `No such column '${field}' on entity 'Opportunity'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

function fieldValue(row: Row, field: string): unknown {
  if (!field.includes('.')) return row[field];
  const [rel, name] = field.split('.') as [string, string];
  const related = row[rel] as Row | null | undefined;
  return related ? related[name] : null;
}

/** WHERE: comparisons joined by AND / OR with parentheses (the subset Thread's queries use). */
function parseWhere(tokens: Token[]): Predicate {
  let i = 0;
  const peek = () => tokens[i];
  const or = (): Predicate => {
    let left = and();
    while (peek()?.kind === 'word' && peek()!.text.toUpperCase() === 'OR') {
      i++;
      const l = left;
      const r = and();
      left = (row) => l(row) || r(row);
    }
    return left;
  };
  const and = (): Predicate => {
    let left = term();
    while (peek()?.kind === 'word' && peek()!.text.toUpperCase() === 'AND') {
      i++;
      const l = left;
      const r = term();
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const term = (): Predicate => {
    const t = tokens[i++];
    if (t?.kind === 'paren' && t.text === '(') {
      const inner = or();
      if (tokens[i++]?.text !== ')')
        throw new SoqlError('MALFORMED_QUERY', "unexpected token: expecting ')'");
      return inner;
    }
    if (t?.kind !== 'word')
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${t?.text ?? '<EOF>'}'`);
    if (!OPPORTUNITY_FIELDS.has(t.text)) throw noSuchColumn(t.text);
    const op = tokens[i++];
    const literal = tokens[i++];
    if (op?.kind !== 'op' || !literal)
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${op?.text ?? '<EOF>'}'`);
    const field = t.text;
    let want: string | number;
    if (DATETIME_FIELDS.has(field)) {
      if (literal.kind === 'string') {
        throw new SoqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          `value of filter criterion for field '${field}' must be of type dateTime and should not be enclosed in quotes`,
        );
      }
      if (!DATETIME_LITERAL.test(literal.text)) {
        throw new SoqlError(
          'MALFORMED_QUERY',
          `line 1:0 no viable alternative at character '${literal.text}'`,
        );
      }
      want = Date.parse(literal.text);
    } else if (literal.kind === 'string') {
      want = literal.text;
    } else {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${literal.text}'`);
    }
    return (row) => {
      const raw = fieldValue(row, field);
      if (raw === null || raw === undefined) return op.text === '!=';
      const have = DATETIME_FIELDS.has(field) ? sfTime(String(raw)) : String(raw);
      switch (op.text) {
        case '=':
          return have === want;
        case '!=':
          return have !== want;
        case '<':
          return have < want;
        case '<=':
          return have <= want;
        case '>':
          return have > want;
        default:
          return have >= want;
      }
    };
  };
  const predicate = or();
  if (i < tokens.length) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${tokens[i]!.text}'`);
  return predicate;
}

function opportunityQuery(
  soql: string,
  opportunities: SalesforceOpportunity[],
  version: string,
  userId: string,
  customFields: ReadonlyMap<string, string>,
): EmulatorResponse {
  const m =
    /^\s*SELECT\s+(.+?)\s+FROM\s+Opportunity(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(
      soql,
    );
  try {
    if (!m) throw new SoqlError('MALFORMED_QUERY', 'unexpected token: the query does not parse');
    const fields = m[1]!.split(',').map((f) => f.trim());
    // Custom fields are selectable once an admin has added them (the same strictness as the PATCH).
    for (const f of fields) if (!OPPORTUNITY_FIELDS.has(f) && !customFields.has(f)) throw noSuchColumn(f);
    let rows: Row[] = opportunities.map((o) => ({
      OwnerId: userId,
      Owner: { Name: 'Alex Seller', Email: 'alex@acme.com' },
      Account: null,
      Amount: null,
      CloseDate: null,
      LastStageChangeDate: null,
      CreatedDate: '2026-01-05T09:00:00.000+0000',
      SystemModstamp: '2026-01-05T09:00:00.000+0000',
      ...o,
    }));
    if (m[2]) {
      const tokens = tokenize(m[2]);
      if (typeof tokens === 'string') throw new SoqlError('MALFORMED_QUERY', tokens);
      rows = rows.filter(parseWhere(tokens));
    }
    if (m[3]) {
      const keys = m[3].split(',').map((k) => {
        const [field, dir = 'ASC'] = k.trim().split(/\s+/) as [string, string?];
        if (!OPPORTUNITY_FIELDS.has(field)) throw noSuchColumn(field);
        if (!/^(ASC|DESC)$/i.test(dir)) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${dir}'`);
        return { field, sign: dir.toUpperCase() === 'DESC' ? -1 : 1 };
      });
      rows.sort((a, b) => {
        for (const { field, sign } of keys) {
          const x = DATETIME_FIELDS.has(field) ? sfTime(String(a[field])) : String(a[field]);
          const y = DATETIME_FIELDS.has(field) ? sfTime(String(b[field])) : String(b[field]);
          if (x < y) return -sign;
          if (x > y) return sign;
        }
        return 0;
      });
    }
    const limit = m[4] ? Number(m[4]) : rows.length;
    const records = rows.slice(0, limit).map((row) => {
      const out: Row = {
        attributes: { type: 'Opportunity', url: `/services/data/v${version}/sobjects/Opportunity/${row.Id}` },
      };
      for (const f of fields) {
        if (!f.includes('.')) {
          out[f] = row[f] ?? null;
          continue;
        }
        const [rel, name] = f.split('.') as [string, string];
        const related = row[rel] as Row | null;
        if (!related) {
          out[rel] = null;
          continue;
        }
        const type = rel === 'Owner' ? 'User' : 'Account';
        out[rel] = {
          ...((out[rel] as Row | undefined) ?? {
            attributes: { type, url: `/services/data/v${version}/sobjects/${type}/x` },
          }),
          [name]: related[name] ?? null,
        };
      }
      return out;
    });
    return { json: { totalSize: records.length, done: true, records } };
  } catch (err) {
    if (!(err instanceof SoqlError)) throw err;
    return { status: 400, json: [{ message: err.message, errorCode: err.code }] };
  }
}
