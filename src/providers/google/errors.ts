/**
 * gaxios errors → neutral codes. A GaxiosError with a response carries the Google error body
 * (`{error: {code, message, status, errors}}`); one without a response is a network failure whose
 * `cause` chain holds the socket error code.
 */
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

interface GaxiosLike {
  message: string;
  response?: { status: number; headers?: Headers | Record<string, string>; data?: unknown };
}

export function classifyGoogleError(err: unknown): ProviderError {
  const response = (err as GaxiosLike | undefined)?.response;
  if (response && typeof response.status === 'number') {
    return classifyHttp({
      status: response.status,
      headers: response.headers,
      body: response.data,
      message: (err as GaxiosLike).message,
    });
  }
  return (
    classifyThrown(err) ??
    new ProviderError('unknown', err instanceof Error ? err.message : 'Unexpected error from Google.')
  );
}
