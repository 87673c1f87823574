/**
 * HubSpot SDK failures → neutral codes. Every generated API module throws its own `ApiException` class
 * (so `instanceof` cannot be used): `code` is the HTTP status, `headers` a plain record, `body` the
 * parsed error (`{ status: 'error', message, category, correlationId }`). Its `message` embeds all of
 * that as one long string, so the provider's words come from `body.message` instead.
 */
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'number' &&
    'body' in err &&
    'headers' in err
  );
}

export function classifyHubSpotError(err: unknown): ProviderError {
  const thrown = classifyThrown(err);
  if (thrown) return thrown;
  if (isApiException(err)) return classifyHttp({ status: err.code, headers: err.headers, body: err.body });
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('unknown', message, { providerMessage: message });
}
