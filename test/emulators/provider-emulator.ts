/**
 * What every provider emulator adds on top of the OAuth core: the `<P>_*` environment that points Thread
 * at it, and faults whose bodies are the provider's own error shape — so error mapping is tested against
 * what the provider really sends, not the core's generic `{ error: 'fault' }`.
 */
import type { EmulatorResponse } from './http.js';
import type { Fault, OAuthEmulator } from './oauth-provider.js';

export interface FaultOptions {
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  message?: string;
  /** Only requests to this path (prefix) take the fault. */
  path?: string;
  /** Only requests whose decoded query string contains this take the fault. */
  query?: string;
}

/** The provider's error body for an HTTP status (and optional message). */
export type ErrorBody = (status: number, message?: string) => unknown;

export interface ProviderEmulator extends OAuthEmulator {
  /** CLIENT_ID, CLIENT_SECRET, AUTHORIZE_URL, TOKEN_URL, REVOKE_URL, API_URL — each `<P>_`-prefixed. */
  env: Record<string, string>;
  /** A fault for `failNext` carrying the provider's own error body. */
  fault(status: number, options?: FaultOptions): Fault;
}

export interface ProviderExtras {
  prefix: string;
  /** Path appended to the emulator URL for `<P>_API_URL`; omit to leave API_URL out of env. */
  apiPath?: string;
  errorBody: ErrorBody;
}

/**
 * The usual "slow down" answer: 429, the provider's error body, and Retry-After in seconds (RFC 6585
 * §4; RFC 9110 §10.2.3), plus any headers of the provider's own.
 */
export function tooManyRequests(
  errorBody: ErrorBody,
  headers: Record<string, string> = {},
): (retryAfterSeconds: number) => EmulatorResponse {
  return (retryAfterSeconds) => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds), ...headers },
    json: errorBody(429),
  });
}

/** Turn a running OAuth core into a provider emulator (mutates and returns the same object). */
export function withProviderExtras<E extends OAuthEmulator>(
  core: E,
  extras: ProviderExtras,
): E & ProviderEmulator {
  const { prefix, apiPath, errorBody } = extras;
  const env: Record<string, string> = {
    [`${prefix}_CLIENT_ID`]: core.clientId,
    [`${prefix}_CLIENT_SECRET`]: core.clientSecret,
    [`${prefix}_AUTHORIZE_URL`]: core.url + core.paths.authorize,
    [`${prefix}_TOKEN_URL`]: core.url + core.paths.token,
  };
  if (core.paths.revoke) env[`${prefix}_REVOKE_URL`] = core.url + core.paths.revoke;
  if (apiPath !== undefined) env[`${prefix}_API_URL`] = core.url + apiPath;
  const fault = (status: number, options: FaultOptions = {}): Fault => ({
    status,
    body: errorBody(status, options.message),
    ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
    ...(options.path ? { path: options.path } : {}),
    ...(options.query ? { query: options.query } : {}),
  });
  return Object.assign(core, { env, fault });
}
