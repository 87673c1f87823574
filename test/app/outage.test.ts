/**
 * A database outage never ends the process: Thread on DATABASE_URL, the Postgres server stopped for a
 * while, then started again. /healthz says 503 during the outage and 200 after; a job that fell due during
 * the outage runs once the database is back.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/app/embedded/server.js';
import { JOBS_SCHEMA } from '../../src/app/jobs.js';
import { type SlackEmulator, startSlackEmulator } from '../emulators/slack.js';
import { buildOnce, randomKey, scratchDataDir, spawnThread, type ThreadProcess } from '../helpers/process.js';

const OUTAGE_MS = 12_000;

let slack: SlackEmulator;
let server: EmbeddedServer;
let dbDir: string;
let thread: ThreadProcess | undefined;

beforeAll(async () => {
  buildOnce();
  slack = await startSlackEmulator();
  dbDir = scratchDataDir();
  server = await startEmbeddedServer({ dataDir: dbDir });
}, 120_000);
afterAll(async () => {
  if (thread && thread.child.exitCode === null) thread.child.kill('SIGKILL');
  await server.stop();
  await slack.close();
  rmSync(path.dirname(dbDir), { recursive: true, force: true });
});

describe('DATABASE_URL Postgres stopped and started again', () => {
  it('keeps the process alive, /healthz 503 then 200, and runs the job that fell due meanwhile', async () => {
    const url = server.url();
    thread = await spawnThread(slack.apiUrl, slack.botToken, {
      via: 'node',
      env: { DATABASE_URL: url, THREAD_ENCRYPTION_KEY: randomKey() },
    });
    const t = thread;
    await t.waitFor('/healthz 200', async () => (await t.healthz()) === 200, 30_000);

    // A job due in the middle of the outage (the daily prune, sent ahead of its schedule).
    const boss = new PgBoss({
      connectionString: url,
      schema: JOBS_SCHEMA,
      schedule: false,
      supervise: false,
    });
    boss.on('error', () => {});
    await boss.start();
    const jobId = await boss.send('prune', {}, { startAfter: Math.round(OUTAGE_MS / 2000) });
    await boss.stop({ graceful: false });
    expect(jobId).toBeTruthy();

    await server.stop();
    const downAt = Date.now();
    await t.waitFor('/healthz 503', async () => (await t.healthz()) === 503, 10_000);
    while (Date.now() - downAt < OUTAGE_MS) {
      expect(t.child.exitCode).toBeNull();
      await new Promise((r) => setTimeout(r, 500));
    }
    server = await startEmbeddedServer({ dataDir: dbDir });

    await t.waitFor('/healthz 200 again', async () => (await t.healthz()) === 200, 15_000);
    const done = () => t.logs().some((l) => l.msg === 'job done' && l.job === 'prune' && l.jobId === jobId);
    await t.waitFor('the job that fell due during the outage', done, 30_000);
    expect(t.child.exitCode).toBeNull();

    const outageLines = t.logs().filter((l) => String(l.msg).includes('the database is unreachable'));
    expect(outageLines).toHaveLength(1); // said once, not every poll
    expect(t.logs().some((l) => String(l.msg).includes('the database is reachable again'))).toBe(true);
    t.child.kill('SIGTERM');
    expect((await t.exited).code).toBe(0);
  });
});
