/**
 * A fresh, migrated database for one test: cloned from the template the global setup migrated, on the one
 * embedded server of this test run. Dropped with the server when the run ends.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

function serverUrl(): string {
  const url = process.env.THREAD_TEST_PG_URL;
  if (!url) throw new Error('THREAD_TEST_PG_URL is not set: run the tests through vitest (global setup)');
  return url;
}

/** Same server, another database name. */
export function urlFor(database: string, base = serverUrl()): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function create(template: string | undefined): Promise<string> {
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
