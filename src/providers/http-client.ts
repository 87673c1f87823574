/**
 * A small bearer-token JSON client for providers without an official SDK (Gong, Zoom), and the matching
 * half of error mapping. Non-2xx answers become `HttpError` carrying status, headers and parsed body, so
 * each provider's errors.ts only adds what is peculiar to it.
 */
import { classifyHttp, classifyThrown } from './errors.js';
import { type ProviderApiContext, ProviderError } from './types.js';

/** No SDK means no SDK timeout: a hung provider must not hold a job worker forever. */
const TIMEOUT_MS = 15_000;

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export type Query = Record<string, string | number | undefined>;

export interface JsonClient {
  get<T>(path: string, query?: Query): Promise<T>;
  /** A JSON body POSTed (Gong's search endpoints take their filters this way). */
  post<T>(path: string, body: unknown): Promise<T>;
}

export function bearerJsonClient(ctx: Pick<ProviderApiContext, 'accessToken' | 'apiUrl'>): JsonClient {
  return {
    async get<T>(path: string, query: Query = {}): Promise<T> {
      const url = new URL(joinPath(ctx.apiUrl, path));
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${ctx.accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await readBody(res);
      if (!res.ok) throw new HttpError(res.status, res.headers, body);
      return body as T;
    },
    async post<T>(path: string, payload: unknown): Promise<T> {
      const res = await fetch(joinPath(ctx.apiUrl, path), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ctx.accessToken}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await readBody(res);
      if (!res.ok) throw new HttpError(res.status, res.headers, body);
      return body as T;
    },
  };
}

/** HttpError or a thrown network failure → neutral error; anything else is `unknown`. */
export function classifyFetchError(err: unknown): ProviderError {
  if (err instanceof HttpError) {
    return classifyHttp({ status: err.status, headers: err.headers, body: err.body, message: err.message });
  }
  return (
    classifyThrown(err) ??
    new ProviderError('unknown', err instanceof Error ? err.message : 'Unexpected error from the provider.')
  );
}

/** `https://api.zoom.us/v2` + `/users/me`: keep the base's path, unlike `new URL(path, base)`. */
function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Proxies and outages answer HTML; keep it as text so the provider message survives.
    return text;
  }
}
