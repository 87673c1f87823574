/**
 * Footprint (issue targets): the compiled app as `npm start` runs it, against a bare Bolt app measured in
 * the same run —
 *
 * - on the embedded default: first start on a new data folder → /healthz 200 (goal 5 s), then a warm
 *   start (goal 1.5 s); after idling, the node process's RSS (goal 150 MB) and the embedded PostgreSQL
 *   server's processes together, by PSS — each shared page split between its users (goal 100 MB; their
 *   RSS summed counts the shared buffers once per process, and is noted);
 * - on an external PostgreSQL (DATABASE_URL): the same starts (the first one migrates a new database) and
 *   the node process's RSS. TEST_DATABASE_URL when set (a new database on it), else a PostgreSQL server
 *   of its own, started from the embedded binaries with their production settings;
 * - the size of `npm ci --omit=dev` (what a production install weighs), next to a bare Bolt install.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedServer } from '../src/app/embedded/server.js';
import { startSlackEmulator } from '../test/emulators/slack.js';
import { freePort, SIGNING_SECRET } from '../test/helpers/app.js';
import { backends } from '../test/helpers/databases.js';
import { buildOnce } from '../test/helpers/process.js';
import { installSize } from './install-size.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';

const MB = 1024 * 1024;

function memory(pid: number): { rss: number; pss: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
  return { rss: kb('Rss'), pss: kb('Pss') };
}

/** The postmaster and its children (backends, checkpointer, …). */
function serverProcesses(postmaster: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const children = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === postmaster)
    .map(([pid]) => pid!);
  return [postmaster, ...children];
}

async function until(url: string, child: ChildProcess, started: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${url} answered`);
    try {
      if ((await fetch(url)).status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Stops of the processes still running: a part that fails half way leaves none behind. */
const running = new Set<() => Promise<void>>();

/**
 * Starts `cmd` in `cwd` and times it to /healthz 200. Only PATH and HOME come from this shell, and the
 * checkout's .env is not in `cwd`: a DATABASE_URL in either must not turn the embedded rows into external
 * ones.
 */
async function run(cmd: string[], env: Record<string, string>, cwd: string) {
  const started = Date.now();
  const inherited = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd, env: { ...inherited, ...env }, stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // Thread stops its embedded server on the way out
    await exited;
  };
  running.add(stop);
  child.once('exit', () => running.delete(stop));
  const ready = await until(`http://127.0.0.1:${env.PORT}/healthz`, child, started);
  return { child, ready, stop };
}

/** An external PostgreSQL for Thread's DATABASE_URL: a new, empty database, so the first start migrates it. */
async function externalDatabase(folder: string) {
  const named = backends().find((b) => b.name === 'postgres');
  if (named) return { url: await named.freshUrl(), where: 'TEST_DATABASE_URL', stop: async () => {} };
  const server = await startEmbeddedServer({ dataDir: folder });
  return { url: server.url(), where: 'a server of its own', stop: () => server.stop() };
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]!.server_version.split(' ')[0]!; // '15.18 (Debian 15.18-0+deb12u1)': the number is enough
  } finally {
    await client.end();
  }
}

const ms = (value: number) => ({ value, unit: 'ms' });
const mb = (bytes: number) => ({ value: bytes / MB, unit: 'MB' });
const idle = (millis: number) => new Promise((r) => setTimeout(r, millis));

export async function benchFootprint(sizes: Sizes['footprint']): Promise<Row[]> {
  buildOnce();
  const slack = await startSlackEmulator();
  const scratch = mkdtempSync(path.join(tmpdir(), 'thread-footprint-'));
  chmodSync(scratch, 0o755); // as root the embedded server runs as `postgres`
  try {
    const base = {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    };
    // Baseline: a bare Bolt app.
    const bareCmd = [process.execPath, path.resolve('bench/bare-bolt.mjs')];
    const bare = await run(bareCmd, { ...base, PORT: String(await freePort()) }, scratch);
    await idle(sizes.idleMs);
    const bareMem = memory(bare.child.pid!);
    await bare.stop();

    // Thread on the embedded default, exactly as `npm start` runs it (node dist/app/thread.js).
    const cmd = [process.execPath, path.resolve('dist/app/thread.js')];
    const env = { ...base, PORT: String(await freePort()), THREAD_DATA_DIR: path.join(scratch, 'data') };
    const first = await run(cmd, env, scratch);
    await first.stop();
    const warm = await run(cmd, env, scratch);
    await idle(sizes.idleMs);
    const node = memory(warm.child.pid!);
    const postmaster = Number(
      readFileSync(path.join(env.THREAD_DATA_DIR, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const procs = serverProcesses(postmaster);
    const server = procs
      .map(memory)
      .reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss }), { rss: 0, pss: 0 });
    await warm.stop();

    // The same app on an external PostgreSQL.
    const external = await externalDatabase(path.join(scratch, 'external'));
    let ext: { first: number; warm: number; rss: number; version: string };
    try {
      const extEnv = {
        ...base,
        PORT: String(await freePort()),
        THREAD_DATA_DIR: path.join(scratch, 'data-external'),
        DATABASE_URL: external.url,
        THREAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      };
      const extFirst = await run(cmd, extEnv, scratch);
      await extFirst.stop();
      const extWarm = await run(cmd, extEnv, scratch);
      await idle(sizes.idleMs);
      const extNode = memory(extWarm.child.pid!);
      await extWarm.stop();
      const version = await serverVersion(external.url);
      ext = { first: extFirst.ready, warm: extWarm.ready, rss: extNode.rss, version };
    } finally {
      await external.stop();
    }

    const bareReady = { label: 'bare Bolt', ...ms(bare.ready) };
    const bareRss = { label: 'bare Bolt', ...mb(bareMem.rss) };
    const externalNote = `PostgreSQL ${ext.version} (${external.where}) through DATABASE_URL`;
    const idled = `after ${sizes.idleMs / 1000} s idle`;
    const rows = [
      row('footprint', 'time to ready, new data folder (embedded)', ms(first.ready), bareReady, {
        goal: '≤ 5,000 ms',
        ok: first.ready <= 5000,
      }),
      row('footprint', 'time to ready, warm (embedded)', ms(warm.ready), bareReady, {
        goal: '≤ 1,500 ms',
        ok: warm.ready <= 1500,
      }),
      row('footprint', 'time to ready, new database (external)', ms(ext.first), bareReady, {
        goal: '≤ 5,000 ms',
        ok: ext.first <= 5000,
        notes: `${externalNote}; the first start migrates it`,
      }),
      row('footprint', 'time to ready, warm (external)', ms(ext.warm), bareReady, {
        goal: '≤ 1,500 ms',
        ok: ext.warm <= 1500,
      }),
      row('footprint', 'idle RSS, node (embedded)', mb(node.rss), bareRss, {
        goal: '≤ 150 MB',
        ok: node.rss <= 150 * MB,
        notes: idled,
      }),
      // Judged on PSS: the sum of RSS counts the shared buffers once in every process that touched them —
      // each pooled connection is a process — so it grows with connections, not with memory used.
      row('footprint', 'idle PSS, embedded PostgreSQL', mb(server.pss), null, {
        goal: '≤ 100 MB',
        ok: server.pss <= 100 * MB,
        notes: `${procs.length} processes (the server's own and one per pooled connection); their RSS summed: ${(server.rss / MB).toFixed(1)} MB`,
      }),
      row('footprint', 'idle RSS, node (external)', mb(ext.rss), bareRss, {
        goal: '≤ 150 MB',
        ok: ext.rss <= 150 * MB,
        notes: `${idled}; the server is not counted`,
      }),
    ];
    const install = 'installed size (npm ci --omit=dev)';
    if (sizes.installSize) {
      const bolt = installSize('bolt');
      rows.push(row('footprint', install, mb(installSize('thread')), { label: 'bare Bolt', ...mb(bolt) }));
    } else {
      rows.push(
        row('footprint', install, null, null, {
          notes: 'full run only: a clean install takes about a minute',
        }),
      );
    }
    return rows;
  } finally {
    for (const stop of running) await stop();
    await slack.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
