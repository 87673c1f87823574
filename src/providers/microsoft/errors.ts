/**
 * GraphError → neutral codes. Graph answers carry `statusCode`, `code` (InvalidAuthenticationToken,
 * TooManyRequests …), the raw `headers` and the body as a JSON string. A thrown fetch failure comes back
 * as a GraphError with statusCode -1 and only the original error's name (in `code`) and message kept.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

export function classifyMicrosoftError(err: unknown): ProviderError {
  if (err instanceof GraphError && err.statusCode > 0) {
    return classifyHttp({
      status: err.statusCode,
      headers: err.headers,
      body: parse(err.body),
      message: err.message,
    });
  }
  return classifyThrown(err instanceof GraphError ? restoreThrown(err) : err) ?? unknown(err);
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
