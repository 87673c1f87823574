/**
 * The database: Kysely over `pg`, for both the embedded PostgreSQL server Thread starts itself (default,
 * data in THREAD_DATA_DIR) and any Postgres 15+ (DATABASE_URL — a Supabase project, say). Everything else
 * in Thread sees only `Database`.
 */
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './db-types.js';
import { type EmbeddedServer, type EmbeddedServerOptions, startEmbeddedServer } from './embedded/server.js';

export interface Database {
  db: Kysely<DB>;
  kind: 'embedded' | 'postgres';
  /** The connection pool (pg-boss shares it: one set of connections per process). */
  pool: pg.Pool;
  /** Embedded mode: the server Thread started (stopped by close()). */
  server?: EmbeddedServer;
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
// date as the 'YYYY-MM-DD' it is: pg's default makes a Date at local midnight, a different day in some zones.
pg.types.setTypeParser(1082, (v) => v);

export interface OpenOptions {
  databaseUrl?: string;
  /** Embedded mode: the data folder (THREAD_DATA_DIR). */
  dataDir?: string;
  /** Embedded mode: progress notes from the server supervisor. */
  log?: EmbeddedServerOptions['log'];
  /** Embedded mode, command-line tools: use the server a running Thread started (see embedded/server). */
  attach?: boolean;
  /** Embedded mode: a server already starting (main starts it while the rest of Thread loads). */
  starting?: Promise<EmbeddedServer>;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPool(options.databaseUrl, 'postgres');
  const dataDir = path.resolve(options.dataDir ?? './.thread');
  const server = await (options.starting ??
    startEmbeddedServer({ dataDir, log: options.log, attach: options.attach }));
  try {
    return await openPool(server.url(), 'embedded', server);
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function openPool(url: string, kind: Database['kind'], server?: EmbeddedServer): Promise<Database> {
  // Idle connections close after 10 s: an idle Thread holds (almost) none, which keeps the server small.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 5000,
  });
  // A pool error on an idle client (the server restarted, the network dropped) must not end the process;
  // the next query reports it, and /healthz says 503 until the database is back.
  pool.on('error', () => {});
  // The same for a client in use (a transaction between statements, a query running): pg emits the lost
  // connection as an 'error' event too, which with no listener is an uncaught exception. The query
  // rejects on its own, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseUnreachableError(server ? `embedded server in ${server.dataDir}` : redactUrl(url), err);
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind,
    pool,
    server,
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
    async close() {
      await db.destroy();
      await server?.stop();
    },
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
