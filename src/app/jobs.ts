/**
 * Background jobs on pg-boss, in its own schema (`pgboss`) of Thread's database, over Thread's own
 * connection pool (one set of connections per process).
 *
 * - Every background task is a queue with a handler from `src/listeners/jobs/`; jobs survive restarts and
 *   are claimed with SKIP LOCKED, so N instances share the work and each job runs once.
 * - Schedules are pg-boss schedules, kept in the database: every instance's clock looks at them, but
 *   pg-boss sends each due minute's job once (a singleton key per schedule and minute), so a schedule fires
 *   once across N instances. node-cron is not needed for that: a cron tick fires on every instance.
 * - A failing job retries with exponential backoff, then ends `failed` — each failure is a log line with the
 *   job id, the attempt and whether it will be retried.
 * - A database outage never ends the process: pg-boss swallows failed polls and reports other errors as
 *   events (passed to `onError`; DatabaseHealth says it once), and the workers resume when it is back.
 * - A job whose process died mid-run (kill -9, a crash) is handed back to its queue within seconds — by
 *   any instance, or by the next one to start — rather than when it expires (job-liveness.ts).
 */
import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from './db.js';
import { JobLiveness } from './job-liveness.js';
import type { Logger } from './logger.js';

export const JOBS_SCHEMA = 'pgboss';
/** How often each instance looks for jobs a dead process left active. */
const ABANDONED_CHECK_MS = 2000;
/** A job younger than this may be one whose handler is taking its lock right now. */
const ABANDONED_MIN_AGE_SECONDS = 3;

export interface JobMeta {
  id: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
}

export interface JobSpec<S, T extends object = object> {
  name: string;
  /** A cron expression in UTC: the job is sent once per due minute across every instance. */
  schedule?: string;
  /** Retries after the first failure (exponential backoff from `retryDelaySeconds`). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** How long one run may take before pg-boss fails it. */
  expireInSeconds?: number;
  /** Jobs of this queue run at once in one process (default 1). */
  workers?: number;
  /** How often an idle worker of this queue looks for due work (default: the runner's setting). */
  pollingIntervalSeconds?: number;
  run(services: S, data: T, meta: JobMeta): Promise<unknown>;
}

/**
 * No deduplication key: pg-boss 10's `singletonKey` deduplicates only on queues with a singleton policy
 * (or with `singletonSeconds`), which Thread's do not use. A job may arrive twice anyway (the queue
 * delivers at least once), so every handler claims its row or is idempotent instead.
 */
export interface SendOptions {
  startAfter?: Date | number;
}

/** What the rest of Thread sees of the queue: it sends jobs; only this file knows pg-boss. */
export interface JobQueue {
  send(name: string, data?: object, options?: SendOptions): Promise<string | null>;
  /** Many jobs of one queue in one statement (all or none): a webhook batch's events, a broadcast. */
  sendMany(name: string, jobs: readonly { data: object; startAfter?: Date }[]): Promise<void>;
}

export interface JobRunner extends JobQueue {
  stop(timeoutMs?: number): Promise<void>;
  /** Tests and operators: a job's state (`created`, `active`, `retry`, `completed`, `failed`…). */
  state(name: string, id: string): Promise<string | undefined>;
}

export interface StartJobsOptions {
  /** Run handlers in this process (default true). */
  work?: boolean;
  /** Register the specs' schedules and run the clock (default true). */
  schedules?: boolean;
  /** How often an idle worker looks for work, in seconds (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  /** How often the clock looks at the schedules, in seconds (pg-boss's default is 30; tests use 1). */
  clockIntervalSeconds?: number;
  /** pg-boss reported an error (usually: the database is unreachable). */
  onError?: (err: Error) => void;
}

export async function startJobs<S>(
  database: Database,
  services: S,
  specs: readonly JobSpec<S, never>[],
  logger: Logger,
  options: StartJobsOptions = {},
): Promise<JobRunner> {
  // What pg-boss has asked of the database and not had back yet, and handlers running: see stop().
  const busy = { sql: 0, handlers: 0 };
  const boss = new PgBoss({
    db: {
      executeSql: async (text, values) => {
        busy.sql++;
        try {
          return await database.pool.query(text, values);
        } finally {
          busy.sql--;
        }
      },
    },
    schema: JOBS_SCHEMA,
    schedule: options.schedules !== false,
    ...(options.clockIntervalSeconds
      ? {
          cronMonitorIntervalSeconds: options.clockIntervalSeconds,
          cronWorkerIntervalSeconds: options.clockIntervalSeconds,
        }
      : {}),
    // Keep finished jobs a week for inspection, then let pg-boss's maintenance delete them.
    deleteAfterDays: 7,
    // Maintenance is also what retries the jobs of a process that died mid-job (they expire): every 15 s
    // (once across instances) instead of every 2 minutes, so a restart picks them up soon.
    maintenanceIntervalSeconds: 15,
  });
  // pg-boss's errors (its clock and maintenance; failed polls it swallows) point at the database.
  boss.on('error', (err) => {
    logger.debug({ err }, 'pg-boss error');
    options.onError?.(err);
  });
  await boss.start();

  const liveness = options.work === false ? undefined : new JobLiveness(database.pool, logger);
  // The worker of each queue this process works, so a job sent here can wake it at once (below).
  const workers = new Map<string, string[]>();
  for (const spec of specs) {
    await boss.createQueue(spec.name, {
      name: spec.name,
      retryLimit: spec.retryLimit ?? 5,
      retryDelay: spec.retryDelaySeconds ?? 10,
      retryBackoff: true,
      expireInSeconds: spec.expireInSeconds ?? 15 * 60,
    });
    if (options.schedules !== false) {
      if (spec.schedule) await boss.schedule(spec.name, spec.schedule, {}, { tz: 'UTC' });
      else await boss.unschedule(spec.name);
    }
    if (options.work === false) continue;
    const handler = async ([job]: PgBoss.JobWithMetadata<object>[]) => {
      if (!job) return;
      busy.handlers++;
      try {
        return await attempt(job);
      } finally {
        busy.handlers--;
      }
    };
    const attempt = async (job: PgBoss.JobWithMetadata<object>) => {
      const meta = { id: job.id, attempt: job.retryCount + 1 };
      const started = Date.now();
      // A job expired by the queue while its first attempt still runs: one attempt at a time.
      if ((await liveness!.hold(job.id)) === 'elsewhere')
        throw new Error('an earlier attempt of this job is still running');
      try {
        const result = await spec.run(services, job.data as never, meta);
        logger.info(
          { job: spec.name, jobId: job.id, attempt: meta.attempt, ms: Date.now() - started, result },
          'job done',
        );
        return result;
      } catch (err) {
        const retry = job.retryCount < job.retryLimit;
        logger.error(
          { err, job: spec.name, jobId: job.id, attempt: meta.attempt, willRetry: retry },
          retry ? 'job failed; it will be retried' : 'job failed for good (retries used up)',
        );
        throw err;
      } finally {
        liveness!.release(job.id);
      }
    };
    const polling = spec.pollingIntervalSeconds ?? options.pollingIntervalSeconds ?? 2;
    const ids: string[] = [];
    for (let i = 0; i < (spec.workers ?? 1); i++) {
      let self = '';
      self = await boss.work<object>(
        spec.name,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: polling },
        async (jobs) => {
          try {
            return await handler(jobs);
          } finally {
            // pg-boss waits out the polling interval after every fetch, even one that found a job: a
            // worker would run one job per interval with a backlog waiting. Having found one, it looks
            // again at once; only an empty fetch makes it wait.
            if (jobs.length) boss.notifyWorker(self);
          }
        },
      );
      ids.push(self);
    }
    workers.set(spec.name, ids);
  }

  // Waking one idle worker is enough for one job: a worker that finds a job fetches again at once.
  let turn = 0;
  const wake = (name: string, all = false) => {
    const ids = workers.get(name) ?? [];
    if (all) for (const id of ids) boss.notifyWorker(id);
    else if (ids.length) boss.notifyWorker(ids[turn++ % ids.length]!);
  };
  // A job due later wakes this process's workers when it falls due (timers shared per 20 ms), instead of
  // waiting for their next poll: delivery slots are a second apart, and half a second late on each one
  // would be felt. Other instances still find the job on their next poll.
  const timers = new Map<string, NodeJS.Timeout>();
  const wakeAt = (name: string, at: Date) => {
    if (!workers.has(name)) return;
    const due = Math.ceil(at.getTime() / 20) * 20;
    const key = `${name}:${due}`;
    if (timers.has(key)) return;
    const timer = setTimeout(
      () => {
        timers.delete(key);
        wake(name, true);
      },
      Math.max(0, due - Date.now()),
    );
    timer.unref();
    timers.set(key, timer);
  };
  /** Active jobs nobody is working on any more, failed so the queue retries them (with their backoff). */
  const handBackAbandoned = async () => {
    const abandoned = await liveness?.abandonedCondition('id');
    if (!abandoned) return;
    // The lock is tried only on the jobs that pass the other conditions (a materialized CTE fixes the
    // order): a try on a job starting elsewhere this instant would make its own lock fail.
    const { rows } = await sql<{ id: string; name: string }>`
      with candidates as materialized (
        select id, name from ${sql.table(`${JOBS_SCHEMA}.job`)}
        where state = 'active' and name = any(${[...workers.keys()]}::text[])
          and started_on < now() - make_interval(secs => ${ABANDONED_MIN_AGE_SECONDS}))
      select id, name from candidates where ${abandoned}`.execute(database.db);
    for (const { id, name } of rows) {
      await boss.fail(name, id, { message: 'the process running it stopped' });
      logger.warn(
        { job: name, jobId: id },
        'a job a stopped process was running is handed back to the queue',
      );
    }
  };
  // One look at a time: a slow one (the database struggling) is not joined by the next tick's.
  let looking = false;
  const checkAbandoned = () => {
    if (looking) return;
    looking = true;
    void handBackAbandoned()
      .catch((err) => logger.debug({ err }, 'looking for abandoned jobs failed'))
      .finally(() => {
        looking = false;
      });
  };
  const abandonedTimer = liveness ? setInterval(checkAbandoned, ABANDONED_CHECK_MS) : undefined;
  abandonedTimer?.unref();
  // A Thread starting after a crash hands back what the crashed one was running, without waiting a tick.
  if (liveness) checkAbandoned();

  const dueAt = (startAfter: Date | number) =>
    startAfter instanceof Date ? startAfter : new Date(Date.now() + startAfter * 1000);

  return {
    async send(name, data = {}, sendOptions = {}) {
      const id = await boss.send(name, data, sendOptions);
      // An idle worker looks for work every pollingIntervalSeconds; a chain of jobs (webhook → trigger
      // event → handoff step → delivery) would wait that long at every link. A job due now wakes this
      // process's worker for its queue; other instances still find it on their next poll.
      if (id && sendOptions.startAfter === undefined) wake(name);
      else if (id && sendOptions.startAfter !== undefined) wakeAt(name, dueAt(sendOptions.startAfter));
      return id;
    },
    async sendMany(name, jobs) {
      if (!jobs.length) return;
      await boss.insert(
        jobs.map((j) => ({
          name,
          data: j.data,
          ...(j.startAfter ? { startAfter: j.startAfter.toISOString() } : {}),
        })),
      );
      if (jobs.some((j) => !j.startAfter)) wake(name, true);
      for (const j of jobs) if (j.startAfter) wakeAt(name, j.startAfter);
    },
    async state(name, id) {
      return (await boss.getJobById(name, id, { includeArchive: true }))?.state;
    },
    async stop(timeoutMs = 8000) {
      clearInterval(abandonedTimer);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      const deadline = Date.now() + timeoutMs;
      // Graceful: stop fetching, wait for running handlers up to the timeout.
      await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs }).catch(() => {});
      // pg-boss resolves stop while a worker's fetch may still be on its way back: the job it brings runs
      // after, and its outcome is recorded after that. Wait for them too, so none finds the database closed.
      while ((busy.sql > 0 || busy.handlers > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
      }
      await liveness?.close();
    },
  };
}
