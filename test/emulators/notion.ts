/**
 * Notion emulator: OAuth as Notion does it, and the API subset the SDK calls: `users/me` (the bot) and
 * `search`. Requests must carry Notion-Version, as Notion requires. Errors are Notion's
 * `{ object: 'error', status, code, message, request_id }`.
 *
 * Sources (developers.notion.com):
 * - reference/authorization: the authorization URL carries `owner=user` and `response_type=code`; no
 *   scopes (pages are picked on the consent screen); no PKCE.
 * - reference/create-a-token: `POST /v1/oauth/token`, JSON body, HTTP Basic client credentials,
 *   `redirect_uri` required; the response describes the workspace (workspace_id, workspace_name,
 *   bot_id, owner) and carries a `refresh_token`; refreshing returns a new pair (the old one dies).
 * - reference/revoke-token: `POST /v1/oauth/revoke`, JSON `{ token }`, HTTP Basic.
 * - reference/request-limits: "an average of three requests per second" per connection, counted as a
 *   budget per 60-second window that may be spent in a burst; 429 `rate_limited` with Retry-After.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { type ApiContext, startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, tooManyRequests, withProviderExtras } from './provider-emulator.js';

const PATHS = { authorize: '/v1/oauth/authorize', token: '/v1/oauth/token' };

export interface NotionEmulator extends ProviderEmulator {
  workspace: { id: string; name: string; botId: string };
  /** What the user shared with the integration on the consent screen. */
  shared: Array<Record<string, unknown>>;
  /** The onboarding database shared with Thread (one data source) and its rows. */
  database: NotionDatabase;
  /** Rows (pages) of shared data sources that Thread writes back to, by page id. */
  pageRows: Map<string, { dataSourceId: string; properties: Record<string, unknown> }>;
}

const ERRORS: Record<number, [string, string]> = {
  400: ['invalid_request', 'Invalid request.'],
  401: ['unauthorized', 'API token is invalid.'],
  403: ['restricted_resource', 'Insufficient permissions for this endpoint.'],
  404: ['object_not_found', 'Could not find object.'],
  429: ['rate_limited', 'You have been rate limited. Please try again in a few minutes.'],
  503: ['service_unavailable', 'Notion is unavailable, please try again later.'],
};

function errorBody(status: number, message?: string, code?: string): unknown {
  const [known, text] = ERRORS[status] ?? ['internal_server_error', 'Unexpected error occurred.'];
  return { object: 'error', status, code: code ?? known, message: message ?? text, request_id: randomUUID() };
}

const fail = (status: number, message?: string, code?: string): EmulatorResponse => ({
  status,
  json: errorBody(status, message, code),
});

export async function startNotionEmulator(): Promise<NotionEmulator> {
  const workspace = { id: randomUUID(), name: 'Acme HQ', botId: randomUUID() };
  const owner = {
    type: 'user',
    user: {
      object: 'user',
      id: randomUUID(),
      name: 'Casey CSM',
      avatar_url: null,
      type: 'person',
      person: { email: 'casey@acme.com' },
    },
  };
  const shared = [page('Onboarding playbook'), dataSource('Customer onboarding')];
  const database = onboardingDatabase(workspace.botId);
  const pageRows: NotionEmulator['pageRows'] = new Map();

  const api = (req: EmulatorRequest, ctx: ApiContext): EmulatorResponse => {
    if (!ctx.token) return fail(401);
    if (!req.headers['notion-version']) {
      return fail(
        400,
        'Notion-Version header failed validation: Notion-Version header should be defined.',
        'missing_version',
      );
    }
    if (req.path === '/v1/users/me' && req.method === 'GET') {
      return {
        json: {
          object: 'user',
          id: workspace.botId,
          name: 'Thread',
          avatar_url: null,
          type: 'bot',
          bot: {
            owner,
            workspace_name: workspace.name,
            workspace_id: workspace.id,
            workspace_limits: { max_file_upload_size_in_bytes: 5_368_709_120 },
          },
          request_id: randomUUID(),
        },
      };
    }
    const served = onboardingWriteBack(req, database) ?? writeBackRoutes(req, shared, pageRows);
    if (served) return served;
    if (req.path === '/v1/search' && req.method === 'POST') {
      const size = Math.min(100, Number(req.body.page_size ?? 100));
      const start = Number(req.body.start_cursor ?? 0);
      const results = shared.slice(start, start + size);
      const more = start + size < shared.length;
      return {
        json: {
          object: 'list',
          results,
          next_cursor: more ? String(start + size) : null,
          has_more: more,
          type: 'page_or_data_source',
          page_or_data_source: {},
          request_id: randomUUID(),
        },
      };
    }
    const rows = databaseApi(req, database);
    if (rows) return rows;
    return fail(400, `Invalid request URL.`, 'invalid_request_url');
  };

  const core = await startOAuthEmulator({
    name: 'notion',
    paths: PATHS,
    clientAuth: 'basic',
    tokenBody: 'json',
    pkce: 'none',
    refreshTokens: 'rotated',
    authorizeErrors: 'redirect',
    authorizeRules: (q) =>
      q.get('owner') === 'user'
        ? undefined
        : { error: 'invalid_request', description: 'owner must be "user" for a public integration' },
    revoke: { path: '/v1/oauth/revoke', method: 'POST', clientAuth: 'basic', token: 'json', ends: 'grant' },
    rateLimit: { limit: 180, windowMs: 60_000, answer: tooManyRequests(errorBody) },
    extraTokenFields: () => ({
      bot_id: workspace.botId,
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      workspace_icon: null,
      owner,
      duplicated_template_id: null,
      request_id: randomUUID(),
    }),
    api,
  });
  const emulator = withProviderExtras(core, { prefix: 'NOTION', apiPath: '', errorBody });
  return Object.assign(emulator, { workspace, shared, database, pageRows });
}

const stamp = () => new Date().toISOString();

function page(title: string): Record<string, unknown> {
  const id = randomUUID();
  return {
    object: 'page',
    id,
    created_time: stamp(),
    last_edited_time: stamp(),
    archived: false,
    in_trash: false,
    parent: { type: 'workspace', workspace: true },
    properties: { title: { id: 'title', type: 'title', title: [richText(title)] } },
    url: `https://www.notion.so/${id.replaceAll('-', '')}`,
    public_url: null,
  };
}

function dataSource(title: string): Record<string, unknown> {
  return {
    object: 'data_source',
    id: randomUUID(),
    created_time: stamp(),
    last_edited_time: stamp(),
    title: [richText(title)],
    parent: { type: 'database_id', database_id: randomUUID() },
    properties: {
      Name: { id: 'title', name: 'Name', type: 'title', title: {} },
      Status: { id: 'stat', name: 'Status', type: 'status', status: { options: [], groups: [] } },
    },
    archived: false,
    in_trash: false,
  };
}

function richText(content: string) {
  return {
    type: 'text',
    text: { content, link: null },
    plain_text: content,
    href: null,
    annotations: {
      bold: false,
      italic: false,
      strikethrough: false,
      underline: false,
      code: false,
      color: 'default',
    },
  };
}

// ---- The onboarding database: databases.retrieve, dataSources.query, pages.retrieve ----------------------
// Notion-Version 2025-09-03 (the SDK's default) splits a database into data sources. Per Notion's reference:
// - GET /v1/databases/{id} (https://developers.notion.com/reference/retrieve-a-database): the database
//   with `data_sources: [{ id, name }]`; an id not shared with the integration is 404 object_not_found;
// - POST /v1/data_sources/{id}/query (https://developers.notion.com/reference/query-a-data-source): rows
//   of the data source, `page_size` at most 100 (more is 400 validation_error), `start_cursor` /
//   `next_cursor` / `has_more` paging, filters on properties or on `created_time` / `last_edited_time`
//   (https://developers.notion.com/reference/post-database-query-filter), `sorts` by property or
//   timestamp; rows in the trash are left out unless `in_trash: true` asks for them alone; the path exists
//   only from Notion-Version 2025-09-03 on;
// - GET /v1/pages/{id} (https://developers.notion.com/reference/retrieve-a-page): any row, trashed
//   ones included (`in_trash: true`); a row's parent is `{ type: 'data_source_id', data_source_id,
//   database_id }`;
// - `last_edited_time` is rounded down to the minute
//   (https://developers.notion.com/reference/page#all-pages).

export interface NotionRowInput {
  name: string;
  status?: string | null;
  domain?: string | null;
  aeEmail?: string | null;
  amount?: number | null;
  closeDate?: string | null;
  /** Thread's fields (two-way): a Select "Onboarding stage" and an Email "CSM", set only when given. */
  onboardingStage?: string | null;
  csm?: string | null;
}

export interface NotionDatabase {
  id: string;
  dataSourceId: string;
  rows: Array<Record<string, unknown> & { id: string; last_edited_time: string; in_trash: boolean }>;
  /** A new row, as a person adds one in Notion; returns its id. */
  addRow(input: NotionRowInput): string;
  /** Edits a row's properties (its last_edited_time moves: to `at` for an edit made later). */
  editRow(id: string, input: Partial<NotionRowInput>, at?: Date): void;
  /** Moves a row to the trash. */
  trashRow(id: string): void;
  /** Row PATCHes served (Thread's write-backs), in order. */
  writes: Array<{ id: string; properties: Record<string, unknown> }>;
}

const NOTION_VERSION_WITH_DATA_SOURCES = '2025-09-03';
/** Notion's timestamps are rounded to the minute. */
const minute = (d = new Date()) => new Date(Math.floor(d.getTime() / 60_000) * 60_000).toISOString();

function onboardingDatabase(botId: string): NotionDatabase {
  const id = randomUUID();
  const dataSourceId = randomUUID();
  const rows: NotionDatabase['rows'] = [];
  const properties = (input: Partial<NotionRowInput>, had: Record<string, unknown> = {}) => {
    const out: Record<string, unknown> = { ...had };
    if (input.name !== undefined) out.Name = { id: 'title', type: 'title', title: [richText(input.name)] };
    if (input.status !== undefined) {
      out.Status = {
        id: 'stat',
        type: 'status',
        status:
          input.status === null ? null : { id: `s-${input.status}`, name: input.status, color: 'green' },
      };
    }
    if (input.domain !== undefined) out.Website = { id: 'webs', type: 'url', url: input.domain };
    if (input.aeEmail !== undefined) out['AE email'] = { id: 'aeem', type: 'email', email: input.aeEmail };
    if (input.amount !== undefined) out.ARR = { id: 'arr0', type: 'number', number: input.amount };
    if (input.onboardingStage !== undefined) {
      out['Onboarding stage'] = {
        id: 'onbs',
        type: 'select',
        select:
          input.onboardingStage === null
            ? null
            : { id: `o-${input.onboardingStage}`, name: input.onboardingStage },
      };
    }
    if (input.csm !== undefined) out.CSM = { id: 'csm0', type: 'email', email: input.csm };
    if (input.closeDate !== undefined) {
      out['Close date'] = {
        id: 'clos',
        type: 'date',
        date: input.closeDate === null ? null : { start: input.closeDate, end: null, time_zone: null },
      };
    }
    return out;
  };
  const user = { object: 'user', id: botId };
  return {
    id,
    dataSourceId,
    rows,
    writes: [],
    addRow(input) {
      const rowId = randomUUID();
      rows.push({
        object: 'page',
        id: rowId,
        created_time: minute(),
        last_edited_time: minute(),
        created_by: user,
        last_edited_by: user,
        cover: null,
        icon: null,
        parent: { type: 'data_source_id', data_source_id: dataSourceId, database_id: id },
        archived: false,
        in_trash: false,
        is_locked: false,
        properties: properties({
          status: null,
          domain: null,
          aeEmail: null,
          amount: null,
          closeDate: null,
          ...input,
        }),
        url: `https://www.notion.so/${rowId.replaceAll('-', '')}`,
        public_url: null,
      });
      return rowId;
    },
    editRow(rowId, input, at) {
      const row = rows.find((r) => r.id === rowId);
      if (!row) throw new Error(`no row ${rowId} in the Notion emulator`);
      row.properties = properties(input, row.properties as Record<string, unknown>);
      row.last_edited_time = minute(at);
    },
    trashRow(rowId) {
      const row = rows.find((r) => r.id === rowId);
      if (!row) throw new Error(`no row ${rowId} in the Notion emulator`);
      Object.assign(row, { in_trash: true, archived: true, last_edited_time: minute() });
    },
  };
}

const sameId = (a: string, b: string) =>
  a.replaceAll('-', '').toLowerCase() === b.replaceAll('-', '').toLowerCase();

type Row = NotionDatabase['rows'][number];

/** A filter object → a predicate, or a validation message (Notion's 400 validation_error). */
function rowFilter(f: Record<string, unknown>): ((r: Row) => boolean) | string {
  if (Array.isArray(f.and) || Array.isArray(f.or)) {
    const parts = ((f.and ?? f.or) as Record<string, unknown>[]).map(rowFilter);
    const bad = parts.find((p) => typeof p === 'string');
    if (bad) return bad;
    const fns = parts as ((r: Row) => boolean)[];
    return f.and ? (r) => fns.every((fn) => fn(r)) : (r) => fns.some((fn) => fn(r));
  }
  if (f.timestamp === 'last_edited_time' || f.timestamp === 'created_time') {
    const cond = f[f.timestamp] as Record<string, string> | undefined;
    const [op, value] = Object.entries(cond ?? {})[0] ?? [];
    const at = value === undefined ? Number.NaN : Date.parse(value);
    if (
      !op ||
      Number.isNaN(at) ||
      !['after', 'before', 'on_or_after', 'on_or_before', 'equals'].includes(op)
    ) {
      return `body.filter.${f.timestamp} should be a date filter with a valid ISO 8601 date`;
    }
    return (r) => {
      const t = Date.parse(String(r[f.timestamp as string]));
      return op === 'after'
        ? t > at
        : op === 'before'
          ? t < at
          : op === 'on_or_after'
            ? t >= at
            : op === 'on_or_before'
              ? t <= at
              : t === at;
    };
  }
  if (typeof f.property === 'string') {
    const kind = f.status ? 'status' : f.select ? 'select' : undefined;
    const equals = (f[kind ?? ''] as { equals?: string } | undefined)?.equals;
    if (!kind || typeof equals !== 'string') return 'body.filter should be a supported property filter';
    return (r) => {
      const p = (r.properties as Record<string, Record<string, { name?: string } | null>>)[
        f.property as string
      ];
      return p?.[kind]?.name === equals;
    };
  }
  return `body.filter should be defined, instead was \`${JSON.stringify(f).slice(0, 40)}\``;
}

function databaseApi(req: EmulatorRequest, db: NotionDatabase): EmulatorResponse | undefined {
  const one = /^\/v1\/databases\/([^/]+)$/.exec(req.path);
  if (one && req.method === 'GET') {
    if (!sameId(one[1]!, db.id)) {
      return fail(
        404,
        `Could not find database with ID: ${one[1]}. Make sure the relevant pages and databases are shared with your integration.`,
      );
    }
    return {
      json: {
        object: 'database',
        id: db.id,
        title: [richText('Customer onboarding')],
        parent: { type: 'workspace', workspace: true },
        is_inline: false,
        in_trash: false,
        created_time: minute(),
        last_edited_time: minute(),
        data_sources: [{ id: db.dataSourceId, name: 'Customer onboarding' }],
        url: `https://www.notion.so/${db.id.replaceAll('-', '')}`,
        request_id: randomUUID(),
      },
    };
  }
  const page = /^\/v1\/pages\/([^/]+)$/.exec(req.path);
  if (page && req.method === 'GET') {
    const row = db.rows.find((r) => sameId(r.id, page[1]!));
    if (!row) return fail(404, `Could not find page with ID: ${page[1]}.`);
    return { json: { ...row, request_id: randomUUID() } };
  }
  const query = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(req.path);
  if (query && req.method === 'POST') {
    if (String(req.headers['notion-version']) < NOTION_VERSION_WITH_DATA_SOURCES) {
      return fail(400, 'Invalid request URL.', 'invalid_request_url');
    }
    if (!sameId(query[1]!, db.dataSourceId)) {
      return fail(404, `Could not find data_source with ID: ${query[1]}.`);
    }
    const b = req.body;
    const size = b.page_size === undefined ? 100 : Number(b.page_size);
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      return fail(
        400,
        `body.page_size should be ≤ \`100\`, instead was \`${String(b.page_size)}\`.`,
        'validation_error',
      );
    }
    let found = db.rows.filter((r) => r.in_trash === (b.in_trash === true));
    if (b.filter !== undefined) {
      const fn = rowFilter(b.filter as Record<string, unknown>);
      if (typeof fn === 'string') return fail(400, fn, 'validation_error');
      found = found.filter(fn);
    }
    const sorts = (b.sorts ?? []) as Array<{ timestamp?: string; property?: string; direction?: string }>;
    for (const s of [...sorts].reverse()) {
      if (!['ascending', 'descending'].includes(String(s.direction)) || !(s.timestamp || s.property)) {
        return fail(
          400,
          'body.sorts should be a list of { property | timestamp, direction }',
          'validation_error',
        );
      }
      const sign = s.direction === 'descending' ? -1 : 1;
      found = [...found].sort((x, y) => {
        const a = String(s.timestamp ? x[s.timestamp] : '');
        const c = String(s.timestamp ? y[s.timestamp] : '');
        return a < c ? -sign : a > c ? sign : 0;
      });
    }
    let start = 0;
    if (b.start_cursor !== undefined) {
      start = found.findIndex((r) => r.id === b.start_cursor);
      if (start < 0) return fail(400, 'body.start_cursor should be a valid cursor', 'validation_error');
    }
    const results = found.slice(start, start + size);
    const next = found[start + size];
    return {
      json: {
        object: 'list',
        results,
        next_cursor: next ? next.id : null,
        has_more: Boolean(next),
        type: 'page_or_data_source',
        page_or_data_source: {},
        request_id: randomUUID(),
      },
    };
  }
  return undefined;
}

// ─── Write-back to the onboarding database's rows (two-way through the poll) ──────────────────────
// The same rules as writeBackRoutes below, for the database the poll reads: its data source retrieved by
// id (reference/retrieve-a-data-source; the database's own id is another object's and not found there)
// and a row PATCHed (reference/patch-page), which moves the row's `last_edited_time` like any edit — so
// the next poll reads Thread's write back.

/** The onboarding database's schema: the columns editRow writes, Thread's two fields included. */
const ONBOARDING_SCHEMA: Record<string, { type: string; options?: string[] }> = {
  Name: { type: 'title' },
  Status: { type: 'status', options: ['Negotiation', 'Won', 'Lost'] },
  Website: { type: 'url' },
  'AE email': { type: 'email' },
  ARR: { type: 'number' },
  'Close date': { type: 'date' },
  'Onboarding stage': { type: 'select', options: ['New', 'Onboarding', 'Live', 'Closed'] },
  CSM: { type: 'email' },
};

function onboardingWriteBack(req: EmulatorRequest, db: NotionDatabase): EmulatorResponse | undefined {
  const source = /^\/v1\/data_sources\/([^/]+)$/.exec(req.path);
  if (source && req.method === 'GET' && sameId(source[1]!, db.dataSourceId)) {
    const found = notionDataSource('Customer onboarding', ONBOARDING_SCHEMA);
    return { json: { ...found, id: db.dataSourceId, parent: { type: 'database_id', database_id: db.id } } };
  }
  const one = /^\/v1\/pages\/([^/]+)$/.exec(req.path);
  const row = one && req.method === 'PATCH' ? db.rows.find((r) => sameId(r.id, one[1]!)) : undefined;
  if (!row) return undefined;
  const properties = (req.body.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, value] of Object.entries(properties)) {
    const p = ONBOARDING_SCHEMA[name];
    if (!p) return fail(400, `${name} is not a property that exists.`, 'validation_error');
    if (!(p.type in value)) return fail(400, `${name} is expected to be ${p.type}.`, 'validation_error');
    // Notion returns what it stored: rich text with its plain_text, an option with its id.
    row.properties = { ...(row.properties as object), [name]: { id: name, type: p.type, ...value } };
  }
  row.last_edited_time = minute();
  db.writes.push({ id: row.id, properties });
  return { json: { ...row, request_id: randomUUID() } };
}

// ─── Write-back and settings: filtered search, data source retrieve, page PATCH ───────────────────

/** A shared data source with the given property schema (name → type, with options for status/select). */
export function notionDataSource(
  title: string,
  properties: Record<string, { type: string; options?: string[] }>,
): Record<string, unknown> & { id: string } {
  const schema = Object.fromEntries(
    Object.entries(properties).map(([name, p], i) => [
      name,
      {
        id: p.type === 'title' ? 'title' : `p${i}`,
        name,
        type: p.type,
        [p.type]:
          p.type === 'status' || p.type === 'select'
            ? { options: (p.options ?? []).map((o) => ({ id: randomUUID(), name: o, color: 'default' })) }
            : {},
      },
    ]),
  );
  return { ...dataSource(title), properties: schema } as unknown as Record<string, unknown> & { id: string };
}

function writeBackRoutes(
  req: EmulatorRequest,
  shared: Array<Record<string, unknown>>,
  rows: NotionEmulator['pageRows'],
): EmulatorResponse | undefined {
  // reference/post-search: `filter: { property: 'object', value: 'page' | 'data_source' }` limits the
  // results to one kind (API 2025-09-03 and later name databases' tables "data_source").
  if (req.path === '/v1/search' && req.method === 'POST' && req.body.filter) {
    const filter = req.body.filter as { property?: unknown; value?: unknown };
    if (filter.property !== 'object' || (filter.value !== 'page' && filter.value !== 'data_source')) {
      return fail(
        400,
        'body failed validation: body.filter.value should be `"page"` or `"data_source"`.',
        'validation_error',
      );
    }
    const size = Math.min(100, Number(req.body.page_size ?? 100));
    const results = shared.filter((r) => r.object === filter.value).slice(0, size);
    return {
      json: {
        object: 'list',
        results,
        next_cursor: null,
        has_more: false,
        type: 'page_or_data_source',
        page_or_data_source: {},
        request_id: randomUUID(),
      },
    };
  }
  // reference/retrieve-a-data-source: `GET /v1/data_sources/{id}` → the data source with its property
  // schema; one not shared with the integration is a 404 object_not_found.
  const source = /^\/v1\/data_sources\/([^/]+)$/.exec(req.path);
  if (source && req.method === 'GET') {
    const found = shared.find((r) => r.object === 'data_source' && r.id === source[1]);
    if (!found) {
      return fail(
        404,
        `Could not find data_source with ID: ${source[1]}. Make sure the relevant pages and databases are shared with your integration.`,
      );
    }
    return { json: { ...found, request_id: randomUUID() } };
  }
  // reference/patch-page: `PATCH /v1/pages/{id}` with `properties` keyed by name; each value must match
  // the property's type in the parent data source (status takes an existing option's name; select adds
  // an option it does not know). Anything else is a 400 validation_error.
  const one = /^\/v1\/pages\/([^/]+)$/.exec(req.path);
  if (one && req.method === 'PATCH') {
    const row = rows.get(one[1] ?? '');
    if (!row) return fail(404, `Could not find page with ID: ${one[1]}.`);
    const schema = (shared.find((r) => r.id === row.dataSourceId)?.properties ?? {}) as Record<
      string,
      { type: string; status?: { options: { name: string }[] }; select?: { options: { name: string }[] } }
    >;
    const properties = (req.body.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, value] of Object.entries(properties)) {
      const p = schema[name];
      if (!p) return fail(400, `${name} is not a property that exists.`, 'validation_error');
      if (!(p.type in value)) {
        return fail(400, `${name} is expected to be ${p.type}.`, 'validation_error');
      }
      if (p.type === 'status') {
        const wanted = (value.status as { name?: string } | null)?.name;
        if (wanted && !p.status?.options.some((o) => o.name === wanted)) {
          return fail(
            400,
            `Invalid status option. Status option "${wanted}" does not exist".`,
            'validation_error',
          );
        }
      }
    }
    Object.assign(row.properties, properties);
    return {
      json: {
        object: 'page',
        id: one[1],
        parent: { type: 'data_source_id', data_source_id: row.dataSourceId },
        properties: row.properties,
        archived: false,
        in_trash: false,
        request_id: randomUUID(),
      },
    };
  }
  return undefined;
}
