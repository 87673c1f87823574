/**
 * Notices a database outage and its end, and says each once. Thread keeps running through an outage:
 * /healthz answers 503, Slack requests that need the database fail with a clean error, background jobs
 * wait (pg-boss swallows failed polls silently), and all of it resumes when the database is back.
 */
import type { Logger } from './logger.js';

export class DatabaseHealth {
  private down = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly intervalMs = 5000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get reachable(): boolean {
    return !this.down;
  }

  /** Something failed in a way that may mean an outage: check now rather than at the next tick. */
  suspect(): void {
    if (!this.down) void this.check();
  }

  async check(): Promise<boolean> {
    try {
      await this.ping();
      if (this.down) {
        this.down = false;
        this.logger.info('the database is reachable again; background jobs resume');
      }
      return true;
    } catch (err) {
      if (!this.down) {
        this.down = true;
        this.logger.error(
          { err },
          'the database is unreachable; Thread keeps running (/healthz says 503) and resumes when it is back',
        );
      }
      return false;
    }
  }
}
