/**
 * Thread as an operator runs it: a real process (`npm start`, or `node dist/app/thread.js`), its own embedded
 * PostgreSQL in a scratch data folder, signals and all. The compiled build is made once per test file.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type SlackEmulator, startSlackEmulator } from '../emulators/slack.js';
import { commandReply, freePort, SIGNING_SECRET } from './app.js';
import { eventBody, postSigned } from './slack-requests.js';

/**
 * Builds dist/ if it is older than src/. Test files run in parallel and each calls this: one build at a
 * time, or a second one rewrites dist/app/thread.js under a Thread the first has just started.
 */
export function buildOnce(): void {
  const repo = createHash('sha1').update(process.cwd()).digest('hex').slice(0, 12);
  const lock = path.join(tmpdir(), `thread-build-${repo}.lock`);
  const deadline = Date.now() + BUILD_LOCK_MS;
  while (!takeLock(lock)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build dist/');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    const r = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}${r.stdout}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Longer than a build takes: a lock this old was left by a test run that died. */
const BUILD_LOCK_MS = 5 * 60_000;

function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs > BUILD_LOCK_MS) rmSync(lock, { recursive: true, force: true });
  } catch {
    // released meanwhile
  }
  return false;
}

/** A scratch data folder the embedded server's user can reach (as root it runs as `postgres`). */
export function scratchDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'thread-proc-'));
  chmodSync(dir, 0o755);
  return path.join(dir, 'data');
}

export interface ThreadProcess {
  child: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** JSON log lines (NODE_ENV=production logs JSON). */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  healthz(): Promise<number>;
  /** The embedded server's PID from its lock file. */
  postmasterPid(): number | undefined;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** `npm` runs `npm start` (what an operator types); `node` runs the compiled entry point directly. */
  via?: 'npm' | 'node';
  /** Own process group, so the test can signal the group as a terminal's Ctrl-C does. */
  detached?: boolean;
  dataDir?: string;
  uid?: number;
  gid?: number;
}

export async function spawnThread(slackApiUrl: string, botToken: string, options: SpawnOptions = {}) {
  const port = Number(options.env?.PORT ?? (await freePort()));
  const dataDir = options.dataDir ?? scratchDataDir();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: 'production',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slackApiUrl,
    PORT: String(port),
    THREAD_DATA_DIR: dataDir,
    THREAD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const [cmd, args] =
    options.via === 'node' ? [process.execPath, ['dist/app/thread.js']] : ['npm', ['start', '--silent']];
  const child = spawn(cmd, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const proc: ThreadProcess = {
    child,
    url,
    port,
    dataDir,
    env,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
    exited,
    async waitFor(what, predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      while (!(await predicate())) {
        if (gone && !(await predicate())) {
          throw new Error(`Thread exited while waiting for ${what}\nstdout: ${out}\nstderr: ${err}`);
        }
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async healthz() {
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
        return res.status;
      } catch {
        return 0;
      }
    },
    postmasterPid() {
      try {
        return Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        return undefined;
      }
    },
  };
  return proc;
}

/** PIDs of postgres servers running on a data folder (by their `-D` argument). */
export function postmastersOn(dataDir: string): number[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const target = `-D ${path.join(dataDir, 'postgres')} `;
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(target) && /\/postgres -D /.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

export function randomKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * A test file's Thread processes: a Slack emulator for the file, every process and its embedded server
 * killed after each test, and the small verbs the tests speak in.
 */
export function useThreadProcesses() {
  let slack: SlackEmulator | undefined;
  const running: ThreadProcess[] = [];
  beforeAll(async () => {
    buildOnce();
    slack = await startSlackEmulator();
  }, 120_000);
  afterAll(async () => {
    await slack?.close();
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      for (const pid of postmastersOn(p.dataDir)) process.kill(pid, 'SIGQUIT');
    }
  });
  const procs = {
    get slack(): SlackEmulator {
      if (!slack) throw new Error('the Slack emulator starts in beforeAll');
      return slack;
    },
    /** Thread against the file's Slack emulator (or `slackApiUrl`), cleaned up after the test. */
    async start(options: SpawnOptions = {}, token?: string, slackApiUrl?: string): Promise<ThreadProcess> {
      const p = await spawnThread(slackApiUrl ?? procs.slack.apiUrl, token ?? procs.slack.botToken, options);
      running.push(p);
      return p;
    },
    /** Waits for /healthz 200; returns how long that took. */
    async ready(p: ThreadProcess): Promise<number> {
      const started = Date.now();
      await p.waitFor('/healthz 200', async () => (await p.healthz()) === 200, 30_000);
      return Date.now() - started;
    },
    /** `/thread <text>` to a Thread process; the reply. */
    commandReply: (p: ThreadProcess, text: string, userId?: string) =>
      commandReply(`${p.url}/slack/events`, procs.slack, text, userId),
    /** A signed app_home_opened event, as Slack sends it when someone opens the Home tab. */
    openHome(p: ThreadProcess) {
      return postSigned(
        `${p.url}/slack/events`,
        eventBody(procs.slack.teamId, {
          type: 'app_home_opened',
          user: 'UADMIN',
          channel: 'DHOME',
          tab: 'home',
        }),
        { secret: SIGNING_SECRET, contentType: 'application/json' },
      );
    },
  };
  return procs;
}
