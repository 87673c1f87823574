/**
 * Shared plumbing for the emulators: a tiny HTTP(S) server on 127.0.0.1 with body parsing, so each
 * emulator is only its API.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface EmulatorRequest {
  method: string;
  url: URL;
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** Form or JSON body, parsed; query parameters are in `url.searchParams`. */
  body: Record<string, unknown>;
}

export interface EmulatorResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  redirect?: string;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<RunningServer> {
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Record<string, unknown> = {};
    const type = String(req.headers['content-type'] ?? '');
    try {
      if (type.includes('json') && rawBody) body = JSON.parse(rawBody);
      else if (rawBody) body = Object.fromEntries(new URLSearchParams(rawBody));
    } catch {
      body = { __unparseable: rawBody };
    }
    let out: EmulatorResponse;
    try {
      out = await handler({
        method: req.method ?? 'GET',
        url,
        path: url.pathname,
        headers: req.headers,
        rawBody,
        body,
      });
    } catch (err) {
      out = { status: 500, json: { error: 'emulator_crash', message: String(err) } };
    }
    if (out.redirect) {
      res.writeHead(302, { location: out.redirect });
      res.end();
      return;
    }
    const headers = { ...(out.headers ?? {}) };
    let payload = '';
    if (out.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(out.json);
    } else if (out.text !== undefined) {
      headers['content-type'] ??= 'text/plain';
      payload = out.text;
    }
    res.writeHead(out.status ?? 200, headers);
    res.end(payload);
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
