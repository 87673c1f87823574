/**
 * HubSpot emulator: OAuth as HubSpot does it (client id/secret in the form body, PKCE accepted but not
 * required, 30-minute access tokens, a refresh token in every token response — rotation is unconfirmed,
 * so we rotate, the strictest case for the engine), the token-info endpoint, and the deals list the SDK
 * calls. Errors use HubSpot's shape `{ status: 'error', message, correlationId, category }`.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { type ApiContext, type OAuthEmulator, startOAuthEmulator } from './oauth-provider.js';
import { type ProviderEmulator, withProviderExtras } from './provider-emulator.js';

const PATHS = {
  authorize: '/oauth/authorize',
  token: '/oauth/v1/token',
  revoke: '/oauth/v1/refresh-tokens',
};

export interface HubSpotEmulator extends ProviderEmulator {
  portal: { id: number; domain: string };
  deals: Array<{ id: string; properties: Record<string, string> }>;
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
        : 'BAD_AUTH_CODE'
      : error === 'invalid_client'
        ? 'BAD_CLIENT_ID'
        : 'BAD_REQUEST';
  return { status: 400, json: { status, message: description, correlationId: randomUUID() } };
}

export async function startHubSpotEmulator(): Promise<HubSpotEmulator> {
  const portal = { id: 1234567, domain: 'acme.com' };
  const deals = [
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
  // The token-info route needs the core's token table; the core exists only once started.
  let core: OAuthEmulator | undefined;

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
    if (req.path === '/crm/v3/objects/deals' && req.method === 'GET') {
      if (!ctx.token.scopes.includes('crm.objects.deals.read')) return fail(403);
      return { json: dealsPage(req, deals, ctx.base) };
    }
    return fail(404, `No route for ${req.method} ${req.path}`);
  };

  core = await startOAuthEmulator({
    name: 'hubspot',
    paths: PATHS,
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: 'optional',
    rotateRefreshTokens: true,
    accessTokenTtl: 1800,
    oauthError,
    api,
  });
  const emulator = withProviderExtras(core, { prefix: 'HUBSPOT', paths: PATHS, apiPath: '', errorBody });
  return Object.assign(emulator, { portal, deals });
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
