/**
 * The one logger. pino, JSON in production, readable in development, and every line scrubbed of secrets
 * (see redact.ts) — including error objects thrown by SDKs, which carry the failed request.
 */
import { Writable } from 'node:stream';
import { type Logger as BoltLogger, LogLevel as BoltLogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrub, scrubString } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Tests pass a stream to capture every line (and scan it for leaked tokens). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { app: 'thread' },
    // Every merged object goes through scrub(): keys like refresh_token are masked at any depth.
    formatters: {
      log: (object) => scrub(object) as Record<string, unknown>,
    },
    serializers: {
      err: (err: unknown) => scrub(err),
      error: (err: unknown) => scrub(err),
    },
    hooks: {
      // Interpolated message strings are scrubbed too.
      logMethod(args, method) {
        const cleaned = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<
          typeof method
        >;
        return method.apply(this, cleaned);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname,app', translateTime: 'HH:MM:ss' },
      },
    });
  }
  return pino(base);
}

/** A capture stream for tests: collects raw log lines. */
export function captureStream(): { stream: DestinationStream; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream: stream as unknown as DestinationStream, lines };
}

/** Bolt and the Slack SDKs want their own Logger interface: adapt pino to it. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  let level: BoltLogLevel = BoltLogLevel.INFO;
  const join = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(scrub(m)))).join(' ');
  return {
    debug: (...msg) => child.debug(join(msg)),
    info: (...msg) => child.info(join(msg)),
    warn: (...msg) => child.warn(join(msg)),
    error: (...msg) => child.error(join(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
