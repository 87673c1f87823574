/**
 * The OAuth 2.0 half shared by every provider emulator, as strict as the providers it stands for:
 *
 * - authorize: known client, exactly a registered `redirect_uri`, `response_type=code`, only scopes the
 *   provider knows, PKCE S256 where the provider supports it, the provider's own extra rules; consent is
 *   auto-approved (or denied on request);
 * - token: the provider's body encoding and client authentication, single-use codes that expire, the
 *   same `redirect_uri` and the PKCE verifier on exchange, refresh tokens only when the provider hands
 *   them out, rotating only the way it rotates, and the grant reported in the provider's own words;
 * - revoke: the provider's HTTP method, token placement and client authentication;
 * - the API: every request spends the account's rate limit, at the provider's documented rate.
 *
 * Each provider emulator adds its API routes through `api`, which only sees requests with a live access
 * token. Sources for the general rules are RFC 6749 (OAuth 2.0), RFC 7636 (PKCE) and RFC 7009
 * (revocation); each provider emulator cites its own documentation for what it sets here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type EmulatorRequest, type EmulatorResponse, type RunningServer, serve } from './http.js';
import { issuedSecret } from './issued-secrets.js';

/**
 * What a refresh answers about the refresh token:
 * - `omitted`: no `refresh_token` in the response, the old one keeps working (Google, Salesforce);
 * - `same`: the same refresh token again (HubSpot);
 * - `rotated`: a new one, and the old one is dead (Notion, Gong, Zoom);
 * - `rotated-old-valid`: a new one, the old one still works until it expires (Microsoft).
 */
export type RefreshTokenPolicy = 'omitted' | 'same' | 'rotated' | 'rotated-old-valid';

export interface ScopeCatalogue {
  /** How a `scope` parameter separates names. */
  separator: ' ' | ',';
  /** The names the provider knows; a request for any other is refused (a typo such as `Mail.Sned`). */
  known: string[];
  /** Names compare case-insensitively (Microsoft). */
  caseInsensitive?: boolean;
  /** A resource prefix the provider accepts before a name (Microsoft `https://graph.microsoft.com/`). */
  prefix?: string;
  /** The token response's `scope` for a grant (names as requested), the provider's way; none if absent. */
  report?: (granted: string[]) => string;
}

export interface RevokeRules {
  path: string;
  method: 'POST' | 'DELETE';
  /** RFC 7009 §2.1 wants the client authenticated; some providers do not ask (Google, Salesforce). */
  clientAuth: 'none' | 'basic';
  /** Where the token travels: a form field, a JSON field, or the last path segment (HubSpot). */
  token: 'form' | 'json' | 'path';
  /** What dies: the whole grant, or only that refresh token (HubSpot: access tokens live on). */
  ends: 'grant' | 'refresh-token';
}

export interface RateLimit {
  /** Requests allowed in any `windowMs` (a sliding window: the strictest reading of "N per period"). */
  limit: number;
  windowMs: number;
}

export interface OAuthEmulatorOptions {
  name: string;
  paths: { authorize: string; token: string };
  clientAuth: 'body' | 'basic' | 'either';
  tokenBody: 'form' | 'json';
  /** 'required': a missing challenge is refused; 'optional': checked when present; 'none': not spoken. */
  pkce: 'required' | 'optional' | 'none';
  refreshTokens: RefreshTokenPolicy;
  /** Days a refresh token lives without being used (Microsoft, Zoom: 90); undefined: until revoked. */
  refreshTokenDays?: number;
  /** Seconds; undefined = no expires_in in responses (Salesforce). */
  accessTokenTtl?: number;
  /** Undefined: the provider takes no scopes (Notion) and ignores a `scope` parameter. */
  scopes?: ScopeCatalogue;
  /**
   * How a bad authorize request is refused once client and redirect URI are known good: back to the app
   * with `error=` (RFC 6749 §4.1.2.1), or on the provider's own error page (Google, HubSpot, Zoom).
   */
  authorizeErrors: 'redirect' | 'page';
  /** The provider's own authorize rules (Notion `owner=user`): an OAuth error to refuse with, or nothing. */
  authorizeRules?: (query: URLSearchParams) => { error: string; description: string } | undefined;
  /**
   * Whether a code exchange hands out a refresh token (default: always). `firstConsent` is true until the
   * user has consented to this app once (Google gives one only then, or on `prompt=consent`).
   */
  refreshTokenFor?: (grant: { scopes: string[]; query: URLSearchParams; firstConsent: boolean }) => boolean;
  /** Refresh requests must name their scopes, within the grant (Microsoft v2). */
  refreshNeedsScope?: boolean;
  revoke?: RevokeRules;
  rateLimit: RateLimit & {
    /** The provider's answer when the limit is reached, given the seconds until a slot frees up. */
    answer: (retryAfterSeconds: number) => EmulatorResponse;
  };
  /** Extra token-response fields (instance_url, api_base_url_for_customer …). `base` is the emulator URL. */
  extraTokenFields?: (base: string) => Record<string, unknown>;
  /** Body for OAuth errors, provider-shaped (default RFC 6749 `{error, error_description}`). */
  oauthError?: (error: string, description: string) => { status: number; json: unknown };
  /** Provider API: called for non-OAuth routes. `token` is the live access token record, if any. */
  api: (req: EmulatorRequest, ctx: ApiContext) => EmulatorResponse | Promise<EmulatorResponse>;
  tls?: { key: string; cert: string };
}

export interface TokenRecord {
  accessToken: string;
  refreshToken?: string;
  /** When the refresh token was issued or last used (its lifetime counts from there). */
  refreshedAt: number;
  /** Granted scopes, by the names the provider knows them (as requested, canonical case). */
  scopes: string[];
  expiresAt?: number;
  grantId: string;
}

export interface ApiContext {
  token?: TokenRecord;
  base: string;
}

export type Fault = (
  | { status: number; body?: unknown; retryAfter?: number; text?: string }
  | { delayMs: number }
  | { garbage: true }
) & {
  /** Only a request to a path starting with this takes the fault (others pass it by): aims a fault at
   * one call when the app makes others at the same time (a poll while a handoff writes back). */
  path?: string;
  /** Only a request whose decoded query string contains this takes the fault: aims it at one of several
   * calls to the same path (Salesforce's poll and deal read are both `GET …/query?q=<SOQL>`). */
  query?: string;
};

export interface OAuthEmulator extends RunningServer {
  /** Where authorize, token and (when the provider has one) revoke live on this server. */
  paths: { authorize: string; token: string; revoke?: string };
  clientId: string;
  clientSecret: string;
  /** Every secret the emulator handed out: codes, access and refresh tokens. Logs must contain none. */
  issued: Set<string>;
  /** Count of token-endpoint requests by grant type. */
  tokenRequests: { authorization_code: number; refresh_token: number };
  /** Tokens revoked through the revocation endpoint (accepted requests only). */
  revocations: string[];
  /**
   * Register the app's redirect URI, as a developer does in the provider's console. Until one is, the
   * first authorize request registers its own (so a harness that cannot know the app's port still runs);
   * from then on only exact matches pass.
   */
  registerRedirectUri(uri: string): void;
  /** Scopes granted on the next consent (default: what was asked), by their requested names. */
  grantScopes(scopes: string[] | undefined): void;
  /** Simulate the user's browser: GET the authorize URL, approve, return the redirect (callback URL). */
  consent(authorizeUrl: string, choice?: 'approve' | 'deny'): Promise<string>;
  /** The provider revokes every grant (user removed the app, admin reset): tokens die, refresh fails. */
  revokeAllGrants(): void;
  /** Expire live access tokens now (forces the 401 → refresh path). */
  expireAccessTokens(): void;
  /** Move the emulator's clock (codes and access tokens expire, rate-limit windows pass); back with < 0. */
  advanceClock(ms: number): void;
  /** Queue faults for the next requests to `where`. Injected faults do not spend the rate limit. */
  failNext(where: 'token' | 'api' | 'revoke', ...faults: Fault[]): void;
  /**
   * Every API request answers `fault` for the next `ms` (an outage, a storm of 429s), then the API is back;
   * `fault.path` narrows it as for failNext. Resolves when the window ends.
   */
  outage(fault: Fault, ms: number): Promise<void>;
  /** The rate limit in force (the provider's documented one unless a test set another). */
  rateLimit: RateLimit;
  /** Override the rate limit (`undefined`: back to the documented one); either way the window restarts. */
  setRateLimit(limit: RateLimit | undefined): void;
  liveAccessTokens(): string[];
  liveRefreshTokens(): string[];
  /** The live record behind a bearer token (for a second server, e.g. Graph over HTTPS), or undefined. */
  tokenInfo(bearer: string): TokenRecord | undefined;
  lastTokenRequest?: EmulatorRequest;
}

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." */
export const CODE_TTL_MS = 10 * 60 * 1000;

interface IssuedCode {
  redirectUri: string;
  challenge?: string;
  scopes: string[];
  refreshToken: boolean;
  issuedAt: number;
  used: boolean;
  grantId: string;
}

export async function startOAuthEmulator(o: OAuthEmulatorOptions): Promise<OAuthEmulator> {
  const clientId = `${o.name}-client-${randomBytes(4).toString('hex')}`;
  const clientSecret = issuedSecret(`${o.name}-secret-${randomBytes(12).toString('hex')}`);
  const issued = new Set<string>();
  const codes = new Map<string, IssuedCode>();
  const access = new Map<string, TokenRecord>();
  const refresh = new Map<string, TokenRecord>();
  const faults: Record<'token' | 'api' | 'revoke', Fault[]> = { token: [], api: [], revoke: [] };
  let outageWindow: { fault: Fault; until: number } | undefined;
  const tokenRequests = { authorization_code: 0, refresh_token: 0 };
  const revocations: string[] = [];
  const redirectUris = new Set<string>();
  const documentedLimit: RateLimit = { limit: o.rateLimit.limit, windowMs: o.rateLimit.windowMs };
  let rateLimit = documentedLimit;
  let spent: number[] = [];
  let nextGrant: string[] | undefined;
  let consentedBefore = false;
  let clockSkew = 0;
  let base = '';
  const now = () => Date.now() + clockSkew;
  const emulator = {} as OAuthEmulator;

  const secret = (prefix: string) => {
    const v = `${prefix}_${o.name}_${randomBytes(16).toString('hex')}`;
    issued.add(v);
    return issuedSecret(v);
  };
  const oauthError = (error: string, description: string, status = 400): EmulatorResponse => {
    const shaped = o.oauthError?.(error, description) ?? {
      status,
      json: { error, error_description: description },
    };
    return { status: shaped.status, json: shaped.json };
  };
  // RFC 6749 §4.1.2.1: with an unknown client or a redirect URI that is not registered, the provider
  // must not redirect; it tells the user on its own page.
  const errorPage = (error: string, description: string): EmulatorResponse => ({
    status: 400,
    headers: { 'content-type': 'text/html' },
    text: `<html><body><h1>${o.name}: Error 400: ${error}</h1><p>${description}</p></body></html>`,
  });

  /** A scope name as the provider knows it (canonical case), or undefined if it knows no such scope. */
  function knownScope(scope: string): string | undefined {
    const catalogue = o.scopes;
    if (!catalogue) return undefined;
    const key = (s: string) => {
      const bare =
        catalogue.prefix && s.toLowerCase().startsWith(catalogue.prefix.toLowerCase())
          ? s.slice(catalogue.prefix.length)
          : s;
      return catalogue.caseInsensitive ? bare.toLowerCase() : bare;
    };
    return catalogue.known.find((k) => key(k) === key(scope));
  }
  const splitScopes = (value: string | null | undefined) =>
    o.scopes
      ? String(value ?? '')
          .split(o.scopes.separator)
          .filter(Boolean)
      : [];

  function issue(
    scopes: string[],
    grantId: string,
    how: { withRefreshToken: boolean } | { refreshing: TokenRecord },
  ): Record<string, unknown> {
    let refreshToken: string | undefined;
    let sendRefreshToken = true;
    if ('refreshing' in how) {
      const old = how.refreshing;
      if (o.refreshTokens === 'omitted' || o.refreshTokens === 'same') refreshToken = old.refreshToken;
      else refreshToken = secret('rt');
      sendRefreshToken = o.refreshTokens !== 'omitted';
      if (o.refreshTokens === 'rotated' && old.refreshToken) refresh.delete(old.refreshToken);
    } else if (how.withRefreshToken) {
      refreshToken = secret('rt');
    }
    const record: TokenRecord = {
      accessToken: secret('at'),
      refreshToken,
      scopes,
      expiresAt: o.accessTokenTtl ? now() + o.accessTokenTtl * 1000 : undefined,
      refreshedAt: now(),
      grantId,
    };
    access.set(record.accessToken, record);
    if (refreshToken) refresh.set(refreshToken, record);
    const body: Record<string, unknown> = {
      access_token: record.accessToken,
      token_type: 'bearer',
      ...(o.extraTokenFields?.(base) ?? {}),
    };
    if (refreshToken && sendRefreshToken) body.refresh_token = refreshToken;
    if (o.accessTokenTtl) body.expires_in = o.accessTokenTtl;
    const reported = o.scopes?.report?.(scopes);
    if (reported !== undefined) body.scope = reported;
    return body;
  }

  const basicCredentials = (req: EmulatorRequest) => {
    const auth = String(req.headers.authorization ?? '');
    return (
      auth.startsWith('Basic ') &&
      Buffer.from(auth.slice(6), 'base64').toString() === `${clientId}:${clientSecret}`
    );
  };
  function clientOk(req: EmulatorRequest, params: Record<string, unknown>): boolean {
    const basicOk = basicCredentials(req);
    const bodyOk = params.client_id === clientId && params.client_secret === clientSecret;
    if (o.clientAuth === 'basic') return basicOk;
    if (o.clientAuth === 'body') return bodyOk;
    return basicOk || bodyOk;
  }

  /**
   * The request body as the endpoint's parser reads it: a form endpoint finds no parameters in a JSON
   * body (so the request lacks `grant_type` and is refused as the provider refuses it), a JSON endpoint
   * cannot read a form body at all.
   */
  function bodyAs(req: EmulatorRequest, encoding: 'form' | 'json'): Record<string, unknown> | undefined {
    const type = String(req.headers['content-type'] ?? '');
    if (encoding === 'json') return type.includes('json') && !req.body.__unparseable ? req.body : undefined;
    return type.includes('application/x-www-form-urlencoded') ? req.body : {};
  }

  async function applyFault(
    where: 'token' | 'api' | 'revoke',
    req?: EmulatorRequest,
  ): Promise<EmulatorResponse | undefined> {
    const path = req?.path ?? '';
    const query = req ? decodeURIComponent(req.url.search.replace(/\+/g, ' ')) : '';
    const aimed = (x: Fault) => (!x.path || path.startsWith(x.path)) && (!x.query || query.includes(x.query));
    if (where === 'api' && outageWindow && Date.now() < outageWindow.until && aimed(outageWindow.fault)) {
      return answerFault(outageWindow.fault);
    }
    const i = faults[where].findIndex(aimed);
    if (i === -1) return undefined;
    return answerFault(faults[where].splice(i, 1)[0]!);
  }

  async function answerFault(f: Fault): Promise<EmulatorResponse | undefined> {
    if ('delayMs' in f) {
      await new Promise((r) => setTimeout(r, f.delayMs));
      return undefined;
    }
    if ('garbage' in f) return { status: 200, headers: { 'content-type': 'text/html' }, text: '<html>oops' };
    return {
      status: f.status,
      headers: f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
      ...(f.text !== undefined
        ? { text: f.text }
        : { json: f.body ?? { error: 'fault', message: `HTTP ${f.status}` } }),
    };
  }

  /** Spends one request of the account's allowance; the seconds to wait when there is none left. */
  function overLimit(): number | undefined {
    const t = now();
    spent = spent.filter((at) => at > t - rateLimit.windowMs);
    if (spent.length >= rateLimit.limit) {
      const oldest = spent[0] ?? t;
      return Math.max(1, Math.ceil((oldest + rateLimit.windowMs - t) / 1000));
    }
    spent.push(t);
    return undefined;
  }

  function authorize(req: EmulatorRequest): EmulatorResponse {
    const q = req.url.searchParams;
    if (q.get('client_id') !== clientId)
      return errorPage('invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    // Nothing registered yet (a harness that cannot know the app's port): the first one is registered.
    if (redirectUris.size === 0 && redirectUri) redirectUris.add(redirectUri);
    if (!redirectUris.has(redirectUri)) {
      return errorPage('redirect_uri_mismatch', `The redirect URI ${redirectUri} is not registered.`);
    }
    const target = new URL(redirectUri);
    if (q.get('state')) target.searchParams.set('state', q.get('state')!);
    const backToApp = (error: string, description: string): EmulatorResponse => {
      // In the provider's words where it has its own (Microsoft's AADSTS codes), as at the token endpoint.
      const shaped = (o.oauthError?.(error, description).json as { error_description?: unknown } | undefined)
        ?.error_description;
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', typeof shaped === 'string' ? shaped : description);
      return { redirect: target.toString() };
    };
    const refuse = (error: string, description: string): EmulatorResponse =>
      o.authorizeErrors === 'page' ? errorPage(error, description) : backToApp(error, description);
    if (q.get('response_type') !== 'code') {
      return refuse('unsupported_response_type', `response_type ${q.get('response_type')} is not supported`);
    }
    const requested = splitScopes(q.get('scope'));
    const unknown = requested.filter((s) => !knownScope(s));
    if (unknown.length)
      return refuse('invalid_scope', `Some requested scopes were invalid: ${unknown.join(', ')}`);
    const challenge = o.pkce === 'none' ? undefined : (q.get('code_challenge') ?? undefined);
    if (challenge && q.get('code_challenge_method') !== 'S256') {
      return refuse('invalid_request', 'code_challenge_method must be S256');
    }
    if (o.pkce === 'required' && !challenge) return refuse('invalid_request', 'code_challenge is required');
    const rule = o.authorizeRules?.(q);
    if (rule) return refuse(rule.error, rule.description);
    // The user saying no is not a malformed request: every provider sends them back to the app.
    if (q.get('__deny')) return backToApp('access_denied', 'The user denied access');

    const scopes = nextGrant ?? requested.map((s) => knownScope(s)!);
    nextGrant = undefined;
    const code = secret('code');
    codes.set(code, {
      redirectUri,
      challenge,
      scopes,
      refreshToken: o.refreshTokenFor?.({ scopes, query: q, firstConsent: !consentedBefore }) ?? true,
      issuedAt: now(),
      used: false,
      grantId: randomBytes(4).toString('hex'),
    });
    consentedBefore = true;
    target.searchParams.set('code', code);
    return { redirect: target.toString() };
  }

  function exchangeCode(params: Record<string, unknown>): EmulatorResponse {
    tokenRequests.authorization_code++;
    const code = codes.get(String(params.code ?? ''));
    if (!code) return oauthError('invalid_grant', 'authorization code is invalid');
    if (code.used) {
      // RFC 6749 §4.1.2: a code used twice is refused, and what it issued SHOULD be revoked.
      killGrant(code.grantId);
      return oauthError('invalid_grant', 'authorization code was already used');
    }
    code.used = true;
    if (now() - code.issuedAt > CODE_TTL_MS) return oauthError('invalid_grant', 'authorization code expired');
    // RFC 6749 §4.1.3: the same redirect_uri as in the authorize request, identical.
    if (code.redirectUri !== params.redirect_uri) return oauthError('invalid_grant', 'redirect_uri mismatch');
    if (code.challenge) {
      // RFC 7636 §4.6: a code issued for a challenge needs the verifier that hashes to it.
      const verifier = String(params.code_verifier ?? '');
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || computed !== code.challenge) {
        return oauthError('invalid_grant', 'PKCE verification failed');
      }
    }
    return { json: issue(code.scopes, code.grantId, { withRefreshToken: code.refreshToken }) };
  }

  function refreshGrant(params: Record<string, unknown>): EmulatorResponse {
    tokenRequests.refresh_token++;
    const record = refresh.get(String(params.refresh_token ?? ''));
    if (!record) return oauthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    if (o.refreshTokenDays && now() - record.refreshedAt > o.refreshTokenDays * 86_400_000) {
      refresh.delete(String(params.refresh_token));
      return oauthError('invalid_grant', 'refresh token has expired due to inactivity');
    }
    if (o.refreshNeedsScope) {
      const asked = splitScopes(params.scope as string | undefined);
      if (!asked.length) return oauthError('invalid_request', "The request body must contain 'scope'.");
      const outside = asked.filter((s) => !record.scopes.includes(knownScope(s) ?? s));
      if (outside.length) {
        return oauthError('invalid_grant', `The user has not consented to: ${outside.join(', ')}`);
      }
    }
    access.delete(record.accessToken);
    return { json: issue(record.scopes, record.grantId, { refreshing: record }) };
  }

  async function token(req: EmulatorRequest): Promise<EmulatorResponse> {
    emulator.lastTokenRequest = req;
    const fault = await applyFault('token');
    if (fault) return fault;
    const params = bodyAs(req, o.tokenBody);
    if (!params) return oauthError('invalid_request', 'body failed validation: the body must be JSON');
    const grant = String(params.grant_type ?? '');
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return oauthError('unsupported_grant_type', `Invalid grant_type: ${grant}`);
    }
    if (!clientOk(req, params)) return oauthError('invalid_client', 'client authentication failed', 401);
    return grant === 'authorization_code' ? exchangeCode(params) : refreshGrant(params);
  }

  async function revoke(req: EmulatorRequest, rules: RevokeRules): Promise<EmulatorResponse> {
    const fault = await applyFault('revoke');
    if (fault) return fault;
    if (req.method !== rules.method) {
      return {
        status: 405,
        headers: { allow: rules.method },
        json: { status: 'error', message: `HTTP ${req.method} is not supported by this URL` },
      };
    }
    if (rules.clientAuth === 'basic' && !basicCredentials(req)) {
      return oauthError('invalid_client', 'client authentication failed', 401);
    }
    const token =
      rules.token === 'path'
        ? decodeURIComponent(req.path.slice(rules.path.length).replace(/^\//, ''))
        : String(bodyAs(req, rules.token)?.token ?? '');
    if (!token) return oauthError('invalid_request', 'token is required');
    const record = access.get(token) ?? refresh.get(token);
    revocations.push(token);
    if (record && rules.ends === 'grant') killGrant(record.grantId);
    if (rules.ends === 'refresh-token') refresh.delete(token);
    // The app gave the grant back: a later connect is a first consent again.
    consentedBefore = false;
    return { status: 200, json: {} };
  }

  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    if (req.path === o.paths.authorize && req.method === 'GET') return authorize(req);
    if (req.path === o.paths.token && req.method === 'POST') return token(req);
    const rules = o.revoke;
    if (rules && (req.path === rules.path || req.path.startsWith(`${rules.path}/`)))
      return revoke(req, rules);

    const fault = await applyFault('api', req);
    if (fault) return fault;
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    let live = access.get(bearer);
    if (live?.expiresAt && live.expiresAt < now()) live = undefined;
    // Limits are per account, and only an authenticated request names one.
    if (live) {
      const wait = overLimit();
      if (wait !== undefined) return o.rateLimit.answer(wait);
    }
    return o.api(req, { token: live, base });
  };

  function killGrant(grantId: string) {
    for (const [k, v] of access) if (v.grantId === grantId) access.delete(k);
    for (const [k, v] of refresh) if (v.grantId === grantId) refresh.delete(k);
  }

  const server = await serve(handler, o.tls);
  base = server.url;
  Object.assign(emulator, server, {
    paths: { ...o.paths, ...(o.revoke ? { revoke: o.revoke.path } : {}) },
    clientId,
    clientSecret,
    issued,
    tokenRequests,
    revocations,
    registerRedirectUri(uri: string) {
      redirectUris.add(uri);
    },
    grantScopes(scopes: string[] | undefined) {
      nextGrant = scopes;
    },
    async consent(authorizeUrl: string, choice: 'approve' | 'deny' = 'approve') {
      const url = new URL(authorizeUrl);
      if (choice === 'deny') url.searchParams.set('__deny', '1');
      // The authorize URL points at this emulator: call the handler's route over HTTP like a browser.
      const res = await fetch(url, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (!location)
        throw new Error(`${o.name} authorize did not redirect: ${res.status} ${await res.text()}`);
      return location;
    },
    revokeAllGrants() {
      access.clear();
      refresh.clear();
    },
    expireAccessTokens() {
      for (const v of access.values()) v.expiresAt = now() - 1000;
    },
    advanceClock(ms: number) {
      clockSkew += ms;
    },
    failNext(where: 'token' | 'api' | 'revoke', ...f: Fault[]) {
      faults[where].push(...f);
    },
    outage(fault: Fault, ms: number) {
      outageWindow = { fault, until: Date.now() + ms };
      return new Promise<void>((r) => setTimeout(r, ms));
    },
    setRateLimit(limit: RateLimit | undefined) {
      rateLimit = limit ?? documentedLimit;
      spent = [];
    },
    liveAccessTokens: () =>
      [...access.entries()].filter(([, v]) => !(v.expiresAt && v.expiresAt < now())).map(([k]) => k),
    liveRefreshTokens: () => [...refresh.keys()],
    tokenInfo(bearer: string) {
      const t = access.get(bearer);
      return t && !(t.expiresAt && t.expiresAt < now()) ? t : undefined;
    },
  });
  // A live getter: Object.assign would copy today's value.
  Object.defineProperty(emulator, 'rateLimit', { get: () => rateLimit, enumerable: true });
  return emulator;
}
