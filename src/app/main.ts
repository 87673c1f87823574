/**
 * `npm start` (compiled and bundled: `node dist/app/thread.js`): configuration → database → Slack → serving.
 *
 * - Every expected start failure (configuration, database, data folder, port, a bot token Slack rejects)
 *   prints one plain message and exits 1 — no stack trace.
 * - SIGTERM or SIGINT: stop accepting, finish in-flight work, stop the jobs and the embedded database,
 *   exit 0 (within 10 s). A second signal exits at once.
 * - A rejected promise nobody handled is logged, not fatal: a database outage must not end the process
 *   (pg-boss completes jobs without awaiting, so an outage can surface that way). An uncaught exception is
 *   a bug: logged, then a graceful stop and exit 1.
 */
import 'dotenv/config';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnreachableError } from './db.js';
import { EmbeddedDatabaseError, startEmbeddedServer } from './embedded/server.js';
import { createLogger } from './logger.js';
import type { RunningThread } from './server.js';
import { SlackTokenRejectedError } from './slack-check.js';

/** One plain line (or the config's list) and exit 1. Messages that already say "Thread …" stand alone. */
function fail(message: string): never {
  process.stderr.write(`${/^Thread /.test(message) ? message : `Thread cannot start: ${message}`}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.pretty });

  let thread: RunningThread | undefined;
  let stopping = false;
  const shutdown = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    // While starting there is nothing to stop yet: the start finishes, then stops (see below).
    if (!thread) return;
    thread.stop().then(
      () => process.exit(code),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  let firstSignalAt = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (!stopping) {
        firstSignalAt = Date.now();
        return shutdown(signal, 0);
      }
      // Ctrl-C under `npm start` arrives twice at once: from the terminal (to the whole process group) and
      // forwarded by npm. Only a signal a person sends again later means "now".
      if (Date.now() - firstSignalAt < 1000) return;
      // Second signal: leave now. The embedded server is told to stop too; the next start cleans up.
      logger.warn({ signal }, 'second signal: exiting at once');
      const pid = thread?.services.database.server?.pid;
      if (pid) process.kill(pid, 'SIGQUIT');
      process.exit(130);
    });
  }
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection (Thread keeps running)');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; stopping');
    shutdown('uncaught exception', 1);
  });

  // The embedded database server starts now, in its own process, while Node loads the rest of Thread
  // (Bolt, the routes, the jobs): a warm start overlaps the two instead of waiting for each in turn.
  const embedded = config.databaseUrl
    ? undefined
    : startEmbeddedServer({
        dataDir: config.dataDir,
        log: (level, msg, fields) => logger[level](fields ?? {}, msg),
      });
  embedded?.catch(() => {}); // reported where it is awaited, in startThread
  const { PortInUseError, startThread } = await import('./server.js');
  const plainStartErrors = [
    ConfigError,
    DatabaseUnreachableError,
    EmbeddedDatabaseError,
    PortInUseError,
    SlackTokenRejectedError,
  ];

  try {
    thread = await startThread({ config, logger, embedded });
  } catch (err) {
    if (plainStartErrors.some((E) => err instanceof E)) fail((err as Error).message);
    logger.fatal({ err }, 'Thread failed to start');
    process.exit(1);
  }
  // A signal that arrived while starting: stop now that there is something to stop.
  if (stopping) {
    stopping = false;
    shutdown('signal during start', 0);
  }
}

void main();
