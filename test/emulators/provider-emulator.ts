/**
 * What every provider emulator adds on top of the OAuth core: the `<P>_*` environment that points Thread
 * at it, and faults whose bodies are the provider's own error shape — so error mapping is tested against
 * what the provider really sends, not the core's generic `{ error: 'fault' }`.
 */
import type { Fault, OAuthEmulator } from './oauth-provider.js';

export interface FaultOptions {
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  message?: string;
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
  paths: { authorize: string; token: string; revoke?: string };
  /** Path appended to the emulator URL for `<P>_API_URL`; omit to leave API_URL out of env. */
  apiPath?: string;
  errorBody: ErrorBody;
}

/** Turn a running OAuth core into a provider emulator (mutates and returns the same object). */
export function withProviderExtras<E extends OAuthEmulator>(
  core: E,
  extras: ProviderExtras,
): E & ProviderEmulator {
  const { prefix, paths, apiPath, errorBody } = extras;
  const env: Record<string, string> = {
    [`${prefix}_CLIENT_ID`]: core.clientId,
    [`${prefix}_CLIENT_SECRET`]: core.clientSecret,
    [`${prefix}_AUTHORIZE_URL`]: core.url + paths.authorize,
    [`${prefix}_TOKEN_URL`]: core.url + paths.token,
  };
  if (paths.revoke) env[`${prefix}_REVOKE_URL`] = core.url + paths.revoke;
  if (apiPath !== undefined) env[`${prefix}_API_URL`] = core.url + apiPath;
  const fault = (status: number, options: FaultOptions = {}): Fault => ({
    status,
    body: errorBody(status, options.message),
    ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
  });
  return Object.assign(core, { env, fault });
}
