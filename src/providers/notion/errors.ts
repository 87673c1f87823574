/**
 * Notion SDK failures → neutral codes. HTTP failures are `APIResponseError` (a known Notion `code` such
 * as `unauthorized`, `restricted_resource`, `rate_limited`) or `UnknownHTTPResponseError`; both carry
 * `status`, the fetch `Headers` and `body` as raw text. Timeouts are the SDK's own `RequestTimeoutError`;
 * network failures are plain fetch errors, left to the shared mapping.
 */
import { isHTTPResponseError, RequestTimeoutError } from '@notionhq/client';
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

export function classifyNotionError(err: unknown): ProviderError {
  const thrown = classifyThrown(err);
  if (thrown) return thrown;
  if (isHTTPResponseError(err)) {
    return classifyHttp({
      status: err.status,
      headers: err.headers as Headers,
      body: parsed(err.body),
      message: err.message,
    });
  }
  if (RequestTimeoutError.isRequestTimeoutError(err)) {
    return new ProviderError('temporary', 'Notion did not answer in time.', { providerMessage: err.message });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('unknown', message, { providerMessage: message });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
