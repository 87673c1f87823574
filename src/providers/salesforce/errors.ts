/**
 * Salesforce failures → neutral codes. REST errors are `[{ message, errorCode }]`. Most arrive as
 * `SalesforceHttpError` (see client.ts) with the real status; anything jsforce raised itself
 * (`HttpApiError`: `errorCode` + `data`, no status) is placed by its errorCode.
 */
import { classifyHttp, classifyThrown } from '../errors.js';
import { ProviderError } from '../types.js';

/** A Salesforce HTTP error answer, raised by the transport in client.ts with the real status. */
export class SalesforceHttpError extends Error {
  override name = 'SalesforceHttpError';
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: unknown,
  ) {
    super(`Salesforce answered HTTP ${status}`);
  }
}

/** errorCodes whose HTTP status is fixed, for errors that lost theirs. */
const STATUS_BY_ERROR_CODE: Record<string, number> = {
  INVALID_SESSION_ID: 401,
  INSUFFICIENT_ACCESS: 403,
  INSUFFICIENT_ACCESS_OR_READONLY: 403,
  API_DISABLED_FOR_ORG: 403,
  REQUEST_LIMIT_EXCEEDED: 403,
  NOT_FOUND: 404,
};

export function classifySalesforceError(err: unknown): ProviderError {
  const thrown = classifyThrown(err);
  if (thrown) return thrown;
  if (err instanceof SalesforceHttpError) return classify(err.status, err.body, err.headers);
  if (isJsforceError(err)) {
    const errorCode = err.errorCode;
    const status = STATUS_BY_ERROR_CODE[errorCode] ?? Number(/^ERROR_HTTP_(\d+)$/.exec(errorCode)?.[1]);
    return classify(Number.isNaN(status) ? undefined : status, { message: err.message, errorCode });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError('unknown', message, { providerMessage: message });
}

function isJsforceError(err: unknown): err is Error & { errorCode: string } {
  return err instanceof Error && typeof (err as Error & { errorCode?: unknown }).errorCode === 'string';
}

function classify(
  status: number | undefined,
  body: unknown,
  headers?: Record<string, string>,
): ProviderError {
  const first = Array.isArray(body) ? body[0] : body;
  const errorCode = (first as { errorCode?: unknown } | undefined)?.errorCode;
  const mapped = classifyHttp({ status, headers, body });
  // The org's daily API allowance is spent: Salesforce says 403, but it is a rate limit, not a permission.
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    return new ProviderError(
      'rate_limited',
      'The Salesforce org has used its daily API allowance.',
      mapped.details,
    );
  }
  return mapped;
}
