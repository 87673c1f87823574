/**
 * Gong answers errors as `{requestId, errors: ['…']}`; the shared fetch mapping reads those. Gong's one
 * peculiarity — 404 for "no calls in this range" — is a result, not an error, and is handled in index.ts.
 */
import { classifyFetchError, HttpError } from '../http-client.js';
import type { ProviderError } from '../types.js';

export const classifyGongError = (err: unknown): ProviderError => classifyFetchError(err);

/** `GET /v2/calls` answers 404 when the filters match no call. */
export function isNoCallsFound(err: unknown): boolean {
  return (
    err instanceof HttpError && err.status === 404 && /no calls found/i.test(JSON.stringify(err.body ?? ''))
  );
}
