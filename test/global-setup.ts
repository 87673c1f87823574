/**
 * Once per test run: one embedded PostgreSQL server (the same supervisor `npm start` uses, in a scratch
 * folder, fsync off) with a migrated template database. Every test gets its own database cloned from the
 * template (`CREATE DATABASE … TEMPLATE`, tens of milliseconds) — see helpers/test-database.ts.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { openDatabase } from '../src/app/db.js';
import { startEmbeddedServer } from '../src/app/embedded/server.js';
import { JOBS_SCHEMA } from '../src/app/jobs.js';
import { migrate } from '../src/app/migrate.js';

export const TEMPLATE = 'thread_template';

export default async function setup(): Promise<() => Promise<void>> {
  const { stop } = await startTestServer();
  return stop;
}

/**
 * Starts the shared server and sets THREAD_TEST_PG_URL for helpers/test-database.ts. Also used by the demo
 * and the benchmarks, which run outside vitest.
 */
export async function startTestServer(): Promise<{ pid: number; dir: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'thread-test-pg-'));
  chmodSync(dir, 0o755); // as root the server runs as `postgres`, which must reach the folder
  const server = await startEmbeddedServer({ dataDir: dir, ephemeral: true });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: server.url(TEMPLATE) });
  await migrate(database);
  // pg-boss's schema too, so an app starting on a clone does not install it again.
  const boss = new PgBoss({
    db: { executeSql: (text, values) => database.pool.query(text, values) },
    schema: JOBS_SCHEMA,
    schedule: false,
    supervise: false,
  });
  await boss.start();
  await boss.stop({ graceful: false, close: false });
  await database.close();
  process.env.THREAD_TEST_PG_URL = server.url('postgres');
  process.env.THREAD_TEST_PG_TEMPLATE = TEMPLATE;
  return {
    pid: server.pid,
    dir,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
