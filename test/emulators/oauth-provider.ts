/**
 * The OAuth 2.0 half shared by every provider emulator: authorize (consent auto-approved), token
 * (authorization_code + refresh_token, PKCE S256 checked, client auth checked the provider's way,
 * refresh-token rotation), revoke, provider-side grant revocation, and switchable faults. Each provider
 * emulator adds its API routes through `api`, which only sees requests with a live access token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type EmulatorRequest, type EmulatorResponse, type RunningServer, serve } from './http.js';

export interface OAuthEmulatorOptions {
  name: string;
  paths: { authorize: string; token: string; revoke?: string };
  clientAuth: 'body' | 'basic' | 'either';
  tokenBody: 'form' | 'json';
  /** 'required': a missing verifier fails; 'optional': checked when present; 'none': ignored. */
  pkce: 'required' | 'optional' | 'none';
  /** Every refresh returns a new refresh token and kills the old one (Gong, Zoom, Notion). */
  rotateRefreshTokens: boolean;
  /** Old refresh token stays valid after rotation (Microsoft). */
  keepOldRefreshToken?: boolean;
  /** Seconds; undefined = no expires_in in responses (Salesforce). */
  accessTokenTtl?: number;
  scopeSeparator?: ' ' | ',';
  /** Report granted scopes in the token response as `scope`. */
  reportScope?: boolean;
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
  refreshToken: string;
  scopes: string[];
  expiresAt?: number;
  grantId: string;
}

export interface ApiContext {
  token?: TokenRecord;
  base: string;
  /** A 401 in the provider's own shape (default `{ message: 'invalid token' }`). */
  unauthorized(): EmulatorResponse;
}

export type Fault =
  | { status: number; body?: unknown; retryAfter?: number; text?: string }
  | { delayMs: number }
  | { garbage: true };

export interface OAuthEmulator extends RunningServer {
  clientId: string;
  clientSecret: string;
  /** Every secret the emulator handed out: codes, access and refresh tokens. Logs must contain none. */
  issued: Set<string>;
  /** Count of token-endpoint requests by grant type. */
  tokenRequests: { authorization_code: number; refresh_token: number };
  revocations: string[];
  /** Scopes granted on the next consent (default: what was asked). */
  grantScopes(scopes: string[] | undefined): void;
  /** Simulate the user's browser: GET the authorize URL, approve, return the redirect (callback URL). */
  consent(authorizeUrl: string, choice?: 'approve' | 'deny'): Promise<string>;
  /** The provider revokes every grant (user removed the app, admin reset): tokens die, refresh fails. */
  revokeAllGrants(): void;
  /** Expire live access tokens now (forces the 401 → refresh path). */
  expireAccessTokens(): void;
  /** Queue faults for the next requests to `where`. */
  failNext(where: 'token' | 'api' | 'revoke', ...faults: Fault[]): void;
  liveAccessTokens(): string[];
  /** The live record behind a bearer token (for a second server, e.g. Graph over HTTPS), or undefined. */
  tokenInfo(bearer: string): TokenRecord | undefined;
  lastTokenRequest?: EmulatorRequest;
}

export async function startOAuthEmulator(o: OAuthEmulatorOptions): Promise<OAuthEmulator> {
  const clientId = `${o.name}-client-${randomBytes(4).toString('hex')}`;
  const clientSecret = `${o.name}-secret-${randomBytes(12).toString('hex')}`;
  const issued = new Set<string>();
  const codes = new Map<
    string,
    { redirectUri: string; challenge?: string; scopes: string[]; used: boolean; grantId: string }
  >();
  const access = new Map<string, TokenRecord>();
  const refresh = new Map<string, TokenRecord>();
  const faults: Record<'token' | 'api' | 'revoke', Fault[]> = { token: [], api: [], revoke: [] };
  const tokenRequests = { authorization_code: 0, refresh_token: 0 };
  const revocations: string[] = [];
  let nextGrant: string[] | undefined;
  let base = '';
  const sep = o.scopeSeparator ?? ' ';
  const emulator = {} as OAuthEmulator;

  const secret = (prefix: string) => {
    const v = `${prefix}_${o.name}_${randomBytes(16).toString('hex')}`;
    issued.add(v);
    return v;
  };
  const oauthError = (error: string, description: string, status = 400): EmulatorResponse => {
    const shaped = o.oauthError?.(error, description) ?? {
      status,
      json: { error, error_description: description },
    };
    return { status: shaped.status, json: shaped.json };
  };

  function issue(scopes: string[], grantId: string, oldRefresh?: TokenRecord): Record<string, unknown> {
    const record: TokenRecord = {
      accessToken: secret('at'),
      refreshToken: oldRefresh && !o.rotateRefreshTokens ? oldRefresh.refreshToken : secret('rt'),
      scopes,
      expiresAt: o.accessTokenTtl ? Date.now() + o.accessTokenTtl * 1000 : undefined,
      grantId,
    };
    if (oldRefresh && o.rotateRefreshTokens && !o.keepOldRefreshToken)
      refresh.delete(oldRefresh.refreshToken);
    access.set(record.accessToken, record);
    refresh.set(record.refreshToken, record);
    const body: Record<string, unknown> = {
      access_token: record.accessToken,
      token_type: 'bearer',
      ...(o.extraTokenFields?.(base) ?? {}),
    };
    // Providers that do not rotate still may omit the refresh token on refresh (Salesforce): we omit it.
    if (!oldRefresh || o.rotateRefreshTokens) body.refresh_token = record.refreshToken;
    if (o.accessTokenTtl) body.expires_in = o.accessTokenTtl;
    if (o.reportScope) body.scope = scopes.join(sep);
    return body;
  }

  function clientOk(req: EmulatorRequest): boolean {
    const auth = String(req.headers.authorization ?? '');
    const basicOk =
      auth.startsWith('Basic ') &&
      Buffer.from(auth.slice(6), 'base64').toString() === `${clientId}:${clientSecret}`;
    const bodyOk = req.body.client_id === clientId && req.body.client_secret === clientSecret;
    if (o.clientAuth === 'basic') return basicOk;
    if (o.clientAuth === 'body') return bodyOk;
    return basicOk || bodyOk;
  }

  async function applyFault(where: 'token' | 'api' | 'revoke'): Promise<EmulatorResponse | undefined> {
    const f = faults[where].shift();
    if (!f) return undefined;
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

  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    if (req.path === o.paths.authorize && req.method === 'GET') {
      const q = req.url.searchParams;
      if (q.get('client_id') !== clientId) return { status: 400, text: 'unknown client_id' };
      const redirectUri = q.get('redirect_uri') ?? '';
      const target = new URL(redirectUri);
      if (q.get('state')) target.searchParams.set('state', q.get('state')!);
      if (q.get('__deny')) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'The user denied access');
        return { redirect: target.toString() };
      }
      if (o.pkce !== 'none' && q.get('code_challenge') && q.get('code_challenge_method') !== 'S256') {
        return { status: 400, text: 'only S256 is supported' };
      }
      if (o.pkce === 'required' && !q.get('code_challenge'))
        return { status: 400, text: 'code_challenge required' };
      const requested = (q.get('scope') ?? '').split(sep).filter(Boolean);
      const code = secret('code');
      codes.set(code, {
        redirectUri,
        challenge: q.get('code_challenge') ?? undefined,
        scopes: nextGrant ?? requested,
        used: false,
        grantId: randomBytes(4).toString('hex'),
      });
      nextGrant = undefined;
      target.searchParams.set('code', code);
      return { redirect: target.toString() };
    }

    if (req.path === o.paths.token && req.method === 'POST') {
      emulator.lastTokenRequest = req;
      const fault = await applyFault('token');
      if (fault) return fault;
      if (o.tokenBody === 'json' && !String(req.headers['content-type']).includes('json')) {
        return oauthError('invalid_request', 'body must be JSON');
      }
      if (!clientOk(req)) return oauthError('invalid_client', 'client authentication failed', 401);
      const grant = String(req.body.grant_type ?? '');
      if (grant === 'authorization_code') {
        tokenRequests.authorization_code++;
        const code = codes.get(String(req.body.code ?? ''));
        if (!code || code.used) {
          // Code reuse: RFC 6749 says revoke what the code issued. We refuse the second exchange.
          return oauthError('invalid_grant', 'authorization code is invalid or was already used');
        }
        code.used = true;
        if (code.redirectUri !== req.body.redirect_uri)
          return oauthError('invalid_grant', 'redirect_uri mismatch');
        if (code.challenge) {
          const verifier = String(req.body.code_verifier ?? '');
          const computed = createHash('sha256').update(verifier).digest('base64url');
          if (computed !== code.challenge) return oauthError('invalid_grant', 'PKCE verification failed');
        } else if (o.pkce === 'required') {
          return oauthError('invalid_grant', 'code_verifier required');
        }
        return { json: issue(code.scopes, code.grantId) };
      }
      if (grant === 'refresh_token') {
        tokenRequests.refresh_token++;
        const record = refresh.get(String(req.body.refresh_token ?? ''));
        if (!record) return oauthError('invalid_grant', 'refresh token is invalid, expired or revoked');
        access.delete(record.accessToken);
        return { json: issue(record.scopes, record.grantId, record) };
      }
      return oauthError('unsupported_grant_type', `grant_type ${grant} is not supported`);
    }

    if (o.paths.revoke && req.path.startsWith(o.paths.revoke)) {
      const fault = await applyFault('revoke');
      if (fault) return fault;
      // RFC 7009 `token=` in the body, or the token as the last path segment (HubSpot's DELETE form).
      const token = String(
        req.body.token ?? decodeURIComponent(req.path.slice(o.paths.revoke.length).replace(/^\//, '')),
      );
      const record = access.get(token) ?? refresh.get(token);
      revocations.push(token);
      if (record) killGrant(record.grantId);
      return { status: 200, json: {} };
    }

    const fault = await applyFault('api');
    if (fault) return fault;
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    let token = access.get(bearer);
    if (token?.expiresAt && token.expiresAt < Date.now()) token = undefined;
    return o.api(req, {
      token,
      base,
      unauthorized: () => ({ status: 401, json: { message: 'invalid or expired access token' } }),
    });
  };

  function killGrant(grantId: string) {
    for (const [k, v] of access) if (v.grantId === grantId) access.delete(k);
    for (const [k, v] of refresh) if (v.grantId === grantId) refresh.delete(k);
  }

  const server = await serve(handler, o.tls);
  base = server.url;
  Object.assign(emulator, server, {
    clientId,
    clientSecret,
    issued,
    tokenRequests,
    revocations,
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
      for (const v of access.values()) v.expiresAt = Date.now() - 1000;
    },
    failNext(where: 'token' | 'api' | 'revoke', ...f: Fault[]) {
      faults[where].push(...f);
    },
    liveAccessTokens: () => [...access.keys()],
    tokenInfo(bearer: string) {
      const t = access.get(bearer);
      return t && !(t.expiresAt && t.expiresAt < Date.now()) ? t : undefined;
    },
  });
  return emulator;
}
