/**
 * The official Salesforce SDK (jsforce 3), built per call from a live token and the org's instance URL.
 *
 * jsforce retries by itself (5 times, exponential backoff from 500 ms, on 420/429/5xx and network
 * errors) and no Connection option turns that off; and its errors (`HttpApiError`) carry neither the HTTP
 * status nor the headers, so Retry-After is lost. Both are fixed in one place: the connection's transport
 * is wrapped so every request goes out with retries disabled and every HTTP error answer becomes a
 * `SalesforceHttpError` holding status, headers and parsed body. We never give jsforce a refresh token,
 * so skipping its 401 → refresh path loses nothing: the engine refreshes.
 */
import type { Connection, HttpRequestOptions, HttpResponse } from 'jsforce';
import type { ProviderApiContext } from '../types.js';
import { SalesforceHttpError } from './errors.js';

/** Winter '25. jsforce 3.10's default (50.0) is years old; every org still serves this one. */
export const SALESFORCE_API_VERSION = '62.0';

/** `methods: []` is the only switch that also stops jsforce's separate retries of HTTP 420. */
const NO_RETRIES: HttpRequestOptions['retry'] = { maxRetries: 0, methods: [] };

// jsforce is loaded on first use (it is the heaviest SDK to import): Thread starts and idles without it.
export async function salesforceConnection(ctx: ProviderApiContext): Promise<Connection> {
  const [{ Connection }, { StreamPromise }] = await Promise.all([
    import('jsforce'),
    // Deep import: jsforce's index lists StreamPromise among its exports, but under Node's ESM-from-CJS
    // loading that re-export comes out undefined.
    import('jsforce/lib/util/promise.js'),
  ]);
  const conn = new Connection({
    instanceUrl: ctx.apiUrl.replace(/\/+$/, ''),
    accessToken: ctx.accessToken,
    version: SALESFORCE_API_VERSION,
  });
  const transport = conn._transport;
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options) => {
    const sent = send(req, { ...options, retry: NO_RETRIES });
    return StreamPromise.create(() => ({ stream: sent.stream(), promise: sent.then(failOnHttpError) }));
  };
  return conn;
}

function failOnHttpError(res: HttpResponse): HttpResponse {
  if (res.statusCode < 400) return res;
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // Not JSON (an HTML error page from a proxy): keep the text.
  }
  throw new SalesforceHttpError(res.statusCode, res.headers, body);
}
