/**
 * The database: Kysely over embedded PGlite (default, data in THREAD_DATA_DIR) or over any Postgres 15+
 * (DATABASE_URL — a Supabase project, say). Everything else in Thread sees only `Database`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DB } from './db-types.js';

export interface Database {
  db: Kysely<DB>;
  kind: 'embedded' | 'postgres';
  /** Runs a script of several statements without parameters (migrations only). */
  exec(script: string): Promise<void>;
  /**
   * Runs `fn` while holding a session-level advisory lock: across every process on this database only one
   * holder at a time. Used to make migrations safe when instances start together.
   */
  withAdvisoryLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    super(
      `Thread cannot reach its database (${target}): ${cause instanceof Error ? cause.message : String(cause)}.\n` +
        '  Check DATABASE_URL (Supabase → Project Settings → Database → Connection string), that the server is ' +
        'running and reachable from here, or unset DATABASE_URL to use the embedded database.',
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
  }
}

// int8 (count(*), bigint) as JS numbers: our counts never approach 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Tests: a PGlite data-dir dump to start from (fast), or an existing PGlite instance. */
  pglite?: PGlite;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openEmbedded(options);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // A pool error on an idle client must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseUnreachableError(redactUrl(url), err);
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async exec(script) {
      const client = await pool.connect();
      try {
        await client.query(script);
      } catch (err) {
        // A script with its own BEGIN leaves the session in an aborted transaction on failure.
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
        return await fn();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

async function openEmbedded(options: OpenOptions): Promise<Database> {
  let pglite = options.pglite;
  if (!pglite) {
    const dir = path.resolve(options.dataDir ?? './.thread', 'pgdata');
    try {
      mkdirSync(dir, { recursive: true });
      pglite = await PGlite.create(dir);
    } catch (err) {
      throw new DatabaseUnreachableError(`embedded database in ${dir}; THREAD_DATA_DIR or DATABASE_URL`, err);
    }
  }
  const instance = pglite;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(instance) });
  return {
    db,
    kind: 'embedded',
    async exec(script) {
      try {
        await instance.exec(script);
      } catch (err) {
        await instance.exec('rollback').catch(() => {});
        throw err;
      }
    },
    // One process owns an embedded database: PGlite has a single connection, so there is nobody to race.
    withAdvisoryLock: (_key, fn) => fn(),
    close: () => db.destroy(),
  };
}

export async function ping(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `DATABASE_URL=${u.toString()}`;
  } catch {
    return 'DATABASE_URL';
  }
}
