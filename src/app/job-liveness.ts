/**
 * Which running jobs still have someone working on them, as Postgres itself knows it: while a handler
 * runs, its process holds a session-level advisory lock named after the job, on a connection kept for
 * that. A process that dies (kill -9, a crash, its machine gone) loses its session and with it the locks,
 * so a job the queue still calls active whose lock is free has been abandoned — and can be handed back at
 * once rather than when it expires, minutes later.
 *
 * After a database outage every session is new: each process takes the locks of the jobs it is still
 * running again as soon as it reconnects, and waits a little before judging anyone else's.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from './logger.js';

/** The advisory lock space of running jobs: (this class, hashtext(job id)). */
const LOCK_CLASS = 0x54485244;
/** Between the handler's end and the queue recording its outcome the job is still active: keep the lock. */
const RELEASE_AFTER_MS = 1000;
/** Back from an outage, other processes take their locks again within a tick or two of their own. */
const GRACE_AFTER_RECONNECT_MS = 10_000;

export class JobLiveness {
  private session: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient | undefined> | undefined;
  private readonly running = new Set<string>();
  private connectedBefore = false;
  private reconnectedAt = 0;
  private closed = false;
  /** The session's statements, one after another: pg queues concurrent ones but warns that it will stop. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {}

  /**
   * Marks `jobId` as worked on here. 'elsewhere': an earlier attempt of the same job is still running
   * (here, or in a live process) — the caller must not run it twice at once. Without a database session
   * (an outage) the job runs unmarked; it is marked when the session is back.
   */
  async hold(jobId: string): Promise<'held' | 'elsewhere'> {
    if (this.running.has(jobId)) return 'elsewhere';
    // Marked once the session is there: a session connecting takes the locks of the jobs already marked,
    // and this one, locked again below, would then be held twice and released once.
    const session = await this.connection();
    if (this.running.has(jobId)) return 'elsewhere';
    this.running.add(jobId);
    if (!session) return 'held';
    try {
      if (await this.inTurn(() => tryLock(session, jobId))) return 'held';
    } catch {
      this.lost(session);
      return 'held';
    }
    this.running.delete(jobId);
    return 'elsewhere';
  }

  /** The handler is done; the lock goes once the queue has had time to record how it ended. */
  release(jobId: string): void {
    this.running.delete(jobId);
    const session = this.session;
    if (!session) return;
    setTimeout(() => {
      if (session === this.session)
        void this.inTurn(() =>
          session.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, jobId]),
        ).catch(() => {});
    }, RELEASE_AFTER_MS).unref();
  }

  /**
   * A SQL condition on the caller's query of active jobs, true for a job whose lock nobody holds; the
   * caller leaves out jobs started a moment ago (their handler may be taking its lock right now).
   * Undefined while judging would be unfair: no session of our own, or just back from an outage.
   */
  async abandonedCondition(idColumn: string) {
    const session = await this.connection();
    if (!session || Date.now() - this.reconnectedAt < GRACE_AFTER_RECONNECT_MS) return undefined;
    const own = [...this.running];
    // A try-lock inside the caller's statement: released when it ends. The locks this process holds are on
    // its own session, so they count as held; jobs running here unmarked (an outage) are left out by id.
    return sql<boolean>`(${sql.ref(idColumn)} <> all(${own}::uuid[])
      and pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(${sql.ref(idColumn)}::text)))`;
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    // Ending the session frees every lock it held.
    session?.release(true);
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.turn.then(statement);
    this.turn = result.catch(() => {});
    return result;
  }

  private async connection(): Promise<pg.PoolClient | undefined> {
    if (this.session || this.closed) return this.session;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.PoolClient | undefined> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      return undefined;
    }
    client.on('error', () => this.lost(client));
    try {
      for (const jobId of this.running) {
        if (!(await tryLock(client, jobId)))
          this.logger.warn({ jobId }, 'a job running here was handed to another process during the outage');
      }
    } catch {
      client.release(true);
      return undefined;
    }
    if (this.closed) {
      client.release(true);
      return undefined;
    }
    if (this.connectedBefore) this.reconnectedAt = Date.now();
    this.connectedBefore = true;
    this.session = client;
    return client;
  }

  private lost(client: pg.PoolClient): void {
    if (this.session !== client) return;
    this.session = undefined;
    client.release(true);
  }
}

async function tryLock(session: pg.PoolClient, jobId: string): Promise<boolean> {
  const r = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [
    LOCK_CLASS,
    jobId,
  ]);
  return r.rows[0]?.ok === true;
}
