/**
 * A fresh, migrated database for one test: cloned from the template the global setup migrated, on the one
 * embedded server of this test run. Dropped with the server when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';

function serverUrl(): string {
  const url = process.env.THREAD_TEST_PG_URL;
  if (!url) throw new Error('THREAD_TEST_PG_URL is not set: the test server is not started');
  return url;
}

let started: Promise<void> | undefined;

/**
 * Outside vitest (the demo, the benchmarks): start the shared server on first use, and stop it when the
 * process exits — immediate shutdown, since an exit handler cannot wait.
 */
export function ensureTestServer(): Promise<void> {
  if (process.env.THREAD_TEST_PG_URL) return Promise.resolve();
  started ??= (async () => {
    const { startTestServer } = await import('../global-setup.js');
    const server = await startTestServer();
    process.once('exit', () => {
      try {
        process.kill(server.pid, 'SIGQUIT');
      } catch {
        // already gone
      }
      rmSync(server.dir, { recursive: true, force: true });
    });
  })();
  return started;
}

/** Same server, another database name. */
export function urlFor(database: string, base = serverUrl()): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function create(template: string | undefined): Promise<string> {
  await ensureTestServer();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return urlFor(name);
}

/** A fresh database with every migration applied. */
export function freshDatabaseUrl(): Promise<string> {
  return create(process.env.THREAD_TEST_PG_TEMPLATE ?? 'thread_template');
}

/** A fresh empty database (for migration tests). */
export function emptyDatabaseUrl(): Promise<string> {
  return create(undefined);
}
