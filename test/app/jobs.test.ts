/**
 * Background jobs on pg-boss over a real database: retries with backoff that end visibly, work shared
 * by two instances without doubles, schedules that fire once across instances, and the app's own jobs.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/app/db.js';
import { JobLiveness } from '../../src/app/job-liveness.js';
import { type JobRunner, type JobSpec, startJobs } from '../../src/app/jobs.js';
import { captureStream, createLogger } from '../../src/app/logger.js';
import { startTestApp, waitUntil } from '../helpers/app.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function instance(url: string, specs: JobSpec<unknown, never>[], clock = false, polling = 0.5) {
  const capture = captureStream();
  const logger = createLogger({ level: 'debug', destination: capture.stream });
  const database: Database = await openDatabase({ databaseUrl: url });
  const jobs: JobRunner = await startJobs(database, {}, specs, logger, {
    pollingIntervalSeconds: polling,
    ...(clock ? { clockIntervalSeconds: 1 } : { schedules: false }),
  });
  cleanups.push(async () => {
    await jobs.stop(1000);
    await database.close();
  });
  const logs = () => capture.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { jobs, logs, database };
}

describe('background jobs', () => {
  it('a failing job retries with backoff, then ends failed; every failure is a log line with the job id', async () => {
    const runs: number[] = [];
    const failing: JobSpec<unknown> = {
      name: 'always-fails',
      retryLimit: 2,
      retryDelaySeconds: 1,
      run: async () => {
        runs.push(Date.now());
        throw new Error('the provider is down');
      },
    };
    const { jobs, logs } = await instance(await freshDatabaseUrl(), [failing]);
    const id = (await jobs.send('always-fails', { n: 1 }))!;
    await waitUntil(
      async () => (await jobs.state('always-fails', id)) === 'failed',
      'the failed state',
      30_000,
    );
    expect(runs).toHaveLength(3);
    // pg-boss's backoff: retryDelay × 2^n / 2 plus up to as much again at random.
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(1000);
    expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(2000);
    const failures = logs().filter((l) => l.jobId === id);
    expect(failures.map((l) => [l.attempt, l.willRetry, l.msg])).toEqual([
      [1, true, 'job failed; it will be retried'],
      [2, true, 'job failed; it will be retried'],
      [3, false, 'job failed for good (retries used up)'],
    ]);
    expect(JSON.stringify(failures[2]?.err)).toContain('the provider is down');
  });

  it('a job marks itself with a lock while it runs and leaves none behind — the first one too, whose mark opened the session', async () => {
    const database: Database = await openDatabase({ databaseUrl: await freshDatabaseUrl() });
    const liveness = new JobLiveness(database.pool, createLogger({ level: 'silent' }));
    cleanups.push(async () => {
      await liveness.close();
      await database.close();
    });
    // This database's only: tests running beside this one on the same server hold locks of their own.
    const held = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from pg_locks
            where locktype = 'advisory' and classid = ${0x54485244} and granted
              and database = (select oid from pg_database where datname = current_database())`.execute(
            database.db,
          )
        ).rows[0]!.n,
      );
    const id = '00000000-0000-4000-8000-000000000001';
    expect(await liveness.hold(id)).toBe('held');
    expect(await held()).toBe(1);
    // Another session sees it taken: the job is not abandoned.
    const other = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_lock(${0x54485244}, hashtext(${id})) as ok`.execute(database.db);
    expect(other.rows[0]!.ok).toBe(false);
    liveness.release(id);
    await waitUntil(async () => (await held()) === 0 || undefined, 'the lock gone', 5000);
  });

  it('a chain of jobs sent in this process runs at once, not a polling interval per link', async () => {
    // Each link sends the next: trigger event → handoff step → delivery is such a chain.
    const done: number[] = [];
    const link: JobSpec<unknown, { n: number }> = {
      name: 'link',
      run: async (_services, { n }) => {
        done.push(Date.now());
        if (n < 3) await jobs.send('link', { n: n + 1 });
      },
    };
    // Idle workers look for work every 20 s here: without the wake-up each link would wait for that.
    const { jobs } = await instance(await freshDatabaseUrl(), [link as JobSpec<unknown, never>], false, 20);
    const t0 = Date.now();
    await jobs.send('link', { n: 1 });
    await waitUntil(async () => done.length === 3, 'three links done', 10_000);
    expect(done[2]! - t0).toBeLessThan(5_000);
  });

  it('a backlog runs back to back, not one job per polling interval', async () => {
    const done: number[] = [];
    const count: JobSpec<unknown, { n: number }> = {
      name: 'backlog',
      run: async () => {
        done.push(Date.now());
      },
    };
    const { jobs } = await instance(await freshDatabaseUrl(), [count as JobSpec<unknown, never>], false, 20);
    await jobs.sendMany(
      'backlog',
      Array.from({ length: 20 }, (_, n) => ({ data: { n } })),
    );
    await waitUntil(async () => done.length === 20, 'twenty jobs done', 15_000);
  });

  it('a job due later runs when it falls due, not at the next poll after', async () => {
    const done: number[] = [];
    const later: JobSpec<unknown> = {
      name: 'later',
      run: async () => {
        done.push(Date.now());
      },
    };
    const { jobs } = await instance(await freshDatabaseUrl(), [later as JobSpec<unknown, never>], false, 20);
    const due = Date.now() + 1500;
    await jobs.send('later', {}, { startAfter: new Date(due) });
    await jobs.sendMany('later', [{ data: {}, startAfter: new Date(due + 1000) }]);
    await waitUntil(async () => done.length === 2, 'both jobs done', 10_000);
    expect(done[0]!).toBeGreaterThanOrEqual(due - 50);
    expect(done[0]! - due).toBeLessThan(1000);
    expect(done[1]! - (due + 1000)).toBeLessThan(1000);
  });

  it('two instances share one queue: every job runs exactly once', async () => {
    const url = await freshDatabaseUrl();
    const seen: string[] = [];
    const spec = (who: string): JobSpec<unknown, { n: number }> => ({
      name: 'count',
      run: async (_s, data) => {
        seen.push(`${data.n}`);
        await new Promise((r) => setTimeout(r, 20));
        return who;
      },
    });
    const a = await instance(url, [spec('a')]);
    const b = await instance(url, [spec('b')]);
    for (let n = 0; n < 30; n++) await a.jobs.send('count', { n });
    await waitUntil(() => seen.length >= 30, '30 runs', 20_000);
    await new Promise((r) => setTimeout(r, 1000)); // nothing runs twice later either
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, n) => `${n}`).sort());
    const ranOn = (l: ReturnType<typeof a.logs>) => l.filter((x) => x.msg === 'job done').length;
    expect(ranOn(a.logs()) + ranOn(b.logs())).toBe(30);
  });

  it('a schedule fires once per due minute across two instances', async () => {
    const url = await freshDatabaseUrl();
    const fired: string[] = [];
    const tick = (_who: string): JobSpec<unknown> => ({
      name: 'every-minute',
      schedule: '* * * * *',
      run: async () => {
        fired.push(`${Math.floor(Date.now() / 60_000)}`);
      },
    });
    await instance(url, [tick('a')], true);
    await instance(url, [tick('b')], true);
    await waitUntil(() => fired.length > 0, 'the first tick', 75_000);
    await new Promise((r) => setTimeout(r, 4000)); // both clocks have looked again by now
    // Once per minute: the next minute may have begun in those 4 s, its tick is its own.
    expect(fired.length).toBe(new Set(fired).size);
  }, 90_000);

  it("Thread's own jobs are scheduled in the database: token refresh, pruning, the sweep", async () => {
    const app = await startTestApp();
    cleanups.push(() => app.stop());
    const rows = await sql<{ name: string; cron: string; timezone: string }>`
      select name, cron, timezone from pgboss.schedule order by name`.execute(app.thread.services.db);
    expect(rows.rows).toEqual([
      { name: 'calendar-sync', cron: '* * * * *', timezone: 'UTC' },
      { name: 'poll-sources', cron: '* * * * *', timezone: 'UTC' },
      { name: 'prune', cron: '17 3 * * *', timezone: 'UTC' },
      { name: 'refresh-tokens', cron: '*/5 * * * *', timezone: 'UTC' },
      { name: 'sweep', cron: '*/10 * * * *', timezone: 'UTC' },
    ]);
    // Sending one by hand runs it through the real handler.
    const id = (await app.thread.jobs.send('prune'))!;
    await waitUntil(
      async () => (await app.thread.jobs.state('prune', id)) === 'completed',
      'prune done',
      20_000,
    );
    expect(app.logs.some((l) => l.includes('"job":"prune"') && l.includes('"msg":"job done"'))).toBe(true);
  });
});
