/**
 * Footprint (issue targets; a benchmark, not a timed test): the compiled app as `npm start` runs it, on the
 * embedded default, against a bare Bolt app measured in the same run.
 *
 * - first start on a new data folder → /healthz 200 (budget 5 s), then a warm start (budget 1.5 s);
 * - after 10 s idle: the Thread node process's RSS (budget 150 MB) and the embedded PostgreSQL server's
 *   processes together (budget 100 MB; RSS counts the shared buffers in every process that touched them,
 *   so PSS — each shared page split between its users — is printed too);
 * - the size of `npm ci --omit=dev` (what a production install weighs), next to a bare Bolt install.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSlackEmulator } from '../test/emulators/slack.js';
import { freePort, SIGNING_SECRET } from '../test/helpers/app.js';
import { buildOnce } from '../test/helpers/process.js';

const MB = 1024 * 1024;
const IDLE_MS = 10_000;

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

async function run(cmd: string[], env: Record<string, string>) {
  const started = Date.now();
  const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
  const ready = await until(`http://127.0.0.1:${env.PORT}/healthz`, child, started);
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { child, ready, stop };
}

function installSize(deps: 'thread' | 'bolt'): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'thread-size-'));
  try {
    if (deps === 'thread') {
      copyFileSync('package.json', path.join(dir, 'package.json'));
      copyFileSync('package-lock.json', path.join(dir, 'package-lock.json'));
      execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: 'ignore',
      });
    } else {
      const bolt = JSON.parse(readFileSync('package.json', 'utf8')).dependencies['@slack/bolt'];
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bare', private: true }));
      execFileSync('npm', ['install', `@slack/bolt@${bolt}`, '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: 'ignore',
      });
    }
    return Number(
      execFileSync('du', ['-sb', path.join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');

export async function benchFootprint(): Promise<boolean> {
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
    const barePort = String(await freePort());
    const bare = await run([process.execPath, 'bench/bare-bolt.mjs'], { ...base, PORT: barePort });
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const bareMem = memory(bare.child.pid!);
    await bare.stop();

    // Thread on the embedded default, exactly as `npm start` runs it (node dist/app/thread.js).
    const env = { ...base, PORT: String(await freePort()), THREAD_DATA_DIR: path.join(scratch, 'data') };
    const cmd = [process.execPath, 'dist/app/thread.js'];
    const first = await run(cmd, env);
    await first.stop();
    const warm = await run(cmd, env);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const node = memory(warm.child.pid!);
    const postmaster = Number(
      readFileSync(path.join(env.THREAD_DATA_DIR, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const procs = serverProcesses(postmaster);
    const server = procs
      .map(memory)
      .reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss }), { rss: 0, pss: 0 });
    await warm.stop();

    const threadSize = installSize('thread');
    const boltSize = installSize('bolt');

    const budgets = {
      first: first.ready <= 5000,
      warm: warm.ready <= 1500,
      node: node.rss <= 150 * MB,
      server: server.rss <= 100 * MB,
    };
    console.log(
      `\nFootprint — compiled app on the embedded database, bare Bolt app as the baseline (same run)`,
    );
    console.log(`  start to /healthz 200   bare Bolt ${bare.ready} ms`);
    console.log(
      `    Thread, new data folder  ${first.ready} ms (×${(first.ready / bare.ready).toFixed(1)})   budget 5000 ms: ${verdict(budgets.first)}`,
    );
    console.log(
      `    Thread, warm start       ${warm.ready} ms (×${(warm.ready / bare.ready).toFixed(1)})   budget 1500 ms: ${verdict(budgets.warm)}`,
    );
    console.log(`  memory after ${IDLE_MS / 1000} s idle`);
    console.log(`    bare Bolt node           RSS ${mb(bareMem.rss)}`);
    console.log(
      `    Thread node              RSS ${mb(node.rss)} (×${(node.rss / bareMem.rss).toFixed(2)})   budget 150 MB: ${verdict(budgets.node)}`,
    );
    console.log(
      `    embedded PostgreSQL      RSS ${mb(server.rss)} in ${procs.length} processes (PSS ${mb(server.pss)})   budget 100 MB: ${verdict(budgets.server)}`,
    );
    console.log(
      `  npm ci --omit=dev          Thread ${mb(threadSize)}, bare Bolt ${mb(boltSize)} (×${(threadSize / boltSize).toFixed(1)})`,
    );
    return Object.values(budgets).every(Boolean);
  } finally {
    await slack.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
