/**
 * The shared half of error mapping. Each provider's errors.ts only digs status, headers and body out of
 * its SDK's error shape; this turns them into a neutral ProviderError, the same way for everyone.
 */
import { scrubString } from '../app/redact.js';
import { ProviderError } from './types.js';

export interface HttpFailure {
  status?: number;
  headers?: Record<string, string | string[] | undefined> | Headers;
  /** Parsed JSON or text body, if any. */
  body?: unknown;
  /** The SDK's own message, as a fallback for providerMessage. */
  message?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'ECONNABORTED',
]);

export function classifyHttp(f: HttpFailure): ProviderError {
  const status = f.status;
  const providerMessage = messageFrom(f.body) ?? f.message;
  const retryAfterSeconds = retryAfter(header(f.headers, 'retry-after'));
  // Scrubbed here, where it enters Thread, and again wherever it is stored or shown (providerWords).
  const details = { status, retryAfterSeconds, providerMessage: scrubbedWords(providerMessage) };
  const text = `${providerMessage ?? ''} ${typeof f.body === 'string' ? f.body : JSON.stringify(f.body ?? '')}`;
  if (/invalid_grant|BAD_REFRESH_TOKEN|AADSTS700082|AADSTS50173/i.test(text)) {
    return new ProviderError('grant_revoked', 'The provider no longer accepts our grant.', details);
  }
  if (
    (status === 400 || status === 401) &&
    /invalid_client|unauthorized_client|redirect_uri|BAD_CLIENT_ID|BAD_CLIENT_SECRET/i.test(text)
  ) {
    return new ProviderError(
      'invalid_config',
      'The provider rejected our app credentials or redirect URL.',
      details,
    );
  }
  if (status === 401) return new ProviderError('token_expired', 'The access token was rejected.', details);
  if (status === 403) {
    if (/rate.?limit/i.test(text))
      return new ProviderError('rate_limited', 'Rate limited by the provider.', details);
    return new ProviderError('permission_denied', 'The provider refused: missing permission.', details);
  }
  if (status === 404) return new ProviderError('not_found', 'Not found at the provider.', details);
  if (status === 429) return new ProviderError('rate_limited', 'Rate limited by the provider.', details);
  if (status !== undefined && status >= 500)
    return new ProviderError('temporary', 'The provider had an outage.', details);
  return new ProviderError(
    'unknown',
    details.providerMessage ?? `Unexpected answer from the provider (HTTP ${status}).`,
    details,
  );
}

/** Errors with no HTTP answer at all: network failures are temporary; anything else is unknown. */
export function classifyThrown(err: unknown): ProviderError | undefined {
  if (err instanceof ProviderError) return err;
  const code = findCode(err);
  if (code && NETWORK_CODES.has(code)) {
    return new ProviderError('temporary', 'The provider could not be reached.', { providerMessage: code });
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new ProviderError('temporary', 'The provider did not answer in time.', {
      providerMessage: err.name,
    });
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    return new ProviderError('temporary', 'The provider could not be reached.', {
      providerMessage: 'fetch failed',
    });
  }
  return undefined;
}

export function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export function header(headers: HttpFailure['headers'] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const v = key ? record[key] : undefined;
  return Array.isArray(v) ? v[0] : v;
}

/** The provider's own words, from the error body shapes providers use. */
function messageFrom(body: unknown): string | undefined {
  if (!body) return undefined;
  if (typeof body === 'string') return body.length < 300 ? body : `${body.slice(0, 300)}…`;
  if (Array.isArray(body)) return messageFrom(body[0]);
  if (typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const key of ['error_description', 'message', 'errorMessage', 'msg', 'detail']) {
    if (typeof b[key] === 'string') return b[key] as string;
  }
  if (b.error && typeof b.error === 'object') return messageFrom(b.error);
  if (typeof b.error === 'string') return b.error;
  if (Array.isArray(b.errors)) return messageFrom(b.errors[0]);
  return undefined;
}

function findCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errno?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  return findCode(e.cause, depth + 1);
}

/**
 * The provider's own words about a failure, fit to store and to show a manager: scrubbed of every secret
 * Thread knows (providers echo tokens and client secrets in error text) and cut to a readable length.
 * Members never see them: they get the neutral sentence from the troubleshooting table.
 */
export function providerWords(err: ProviderError): string | undefined {
  return scrubbedWords(err.details.providerMessage);
}

/** `providerWords` for text that did not come in a ProviderError (an `error_description` parameter). */
export function scrubbedWords(text: string | undefined | null): string | undefined {
  if (!text?.trim()) return undefined;
  const clean = scrubString(text.trim());
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}
