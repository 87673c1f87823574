/**
 * Notion SDK failures → neutral codes. HTTP failures are `APIResponseError` (a known Notion `code` such
 * as `unauthorized`, `restricted_resource`, `rate_limited`) or `UnknownHTTPResponseError`; both carry
 * `status`, the fetch `Headers` and `body` as raw text. Timeouts are the SDK's own `RequestTimeoutError`;
 * network failures are plain fetch errors, left to the shared mapping.
 */
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

export function classifyNotionError(err: unknown): ProviderError {
  const thrown = classifyThrown(err);
  if (thrown) return thrown;
  if (isHttpResponseError(err)) {
    return classifyHttp({
      status: err.status,
      headers: err.headers as Headers,
      body: parsed(err.body),
      message: err.message,
    });
  }
  if (isNotionCode(err, 'notionhq_client_request_timeout')) {
    return new ProviderError('temporary', 'Notion did not answer in time.', { providerMessage: err.message });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('unknown', message, { providerMessage: message });
}

/*
 * The SDK's error guards, by shape (its errors carry a `code`, and HTTP ones `status`, `headers` and
 * `body`), so that classifying an error does not load the SDK, which is loaded lazily on first use.
 */
function isNotionCode(err: unknown, code: string): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === code;
}

function isHttpResponseError(
  err: unknown,
): err is Error & { status: number; headers: unknown; body: string } {
  return (
    err instanceof Error &&
    typeof (err as { status?: unknown }).status === 'number' &&
    'headers' in err &&
    typeof (err as { body?: unknown }).body === 'string'
  );
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
