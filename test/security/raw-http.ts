/**
 * Requests exactly as written. Node's built-in HTTP client normalises a URL before sending it (`/a/../b`
 * becomes `/b`, `%2e%2e` becomes `..` and is resolved), so path tricks and odd methods go out through
 * node:http's request, which sends the path as given.
 */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  text: string;
}

export function rawRequest(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
