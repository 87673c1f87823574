/**
 * GraphError → neutral codes. Graph answers carry `statusCode`, `code` (InvalidAuthenticationToken,
 * TooManyRequests …), the raw `headers` and the body as a JSON string. A thrown fetch failure comes back
 * as a GraphError with statusCode -1 and only the original error's name (in `code`) and message kept.
 */
import type { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

/**
 * The Graph client's error, recognised by shape rather than `instanceof`, so that classifying an error
 * does not load the SDK (it is loaded lazily, on first use).
 */
export function isGraphError(err: unknown): err is GraphError {
  return err instanceof Error && 'statusCode' in err && 'requestId' in err && 'date' in err;
}

export function classifyMicrosoftError(err: unknown): ProviderError {
  if (isGraphError(err) && err.statusCode > 0) {
    return classifyHttp({
      status: err.statusCode,
      headers: err.headers,
      body: parse(err.body),
      message: err.message,
    });
  }
  return classifyThrown(isGraphError(err) ? restoreThrown(err) : err) ?? unknown(err);
}

/** Rebuild the error Graph flattened, so the shared network/timeout rules recognise it. */
function restoreThrown(err: GraphError): Error {
  if (err.code === 'TypeError') return new TypeError(err.message);
  return Object.assign(new Error(err.message), { name: err.code ?? 'Error' });
}

function parse(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function unknown(err: unknown): ProviderError {
  return new ProviderError(
    'unknown',
    err instanceof Error ? err.message : 'Unexpected error from Microsoft.',
  );
}
