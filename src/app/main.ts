/**
 * `npm start`: configuration → database → Slack. Every expected failure prints one readable message
 * and exits 1; SIGTERM / SIGINT stop gracefully.
 */
import 'dotenv/config';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnreachableError } from './db.js';
import { createLogger } from './logger.js';
import { startThread } from './server.js';

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
  let thread: Awaited<ReturnType<typeof startThread>>;
  try {
    thread = await startThread({ config, logger });
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'Thread failed to start');
    process.exit(1);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      thread.stop().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

void main();
