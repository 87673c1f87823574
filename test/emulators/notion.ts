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
    const served = writeBackRoutes(req, shared, pageRows);
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
  return Object.assign(emulator, { workspace, shared, pageRows });
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
