/**
 * What listeners and workers need, built once at start and passed down explicitly (no globals), so a
 * test can boot two instances side by side against one database.
 */
import type { WebClient } from '@slack/web-api';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db.js';
import type { DatabaseHealth } from './db-health.js';
import type { DB } from './db-types.js';
import type { JobQueue } from './jobs.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { BotIdentity } from './slack-check.js';
import type { TokenVault } from './vault.js';

export interface Services {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  vault: TokenVault;
  logger: Logger;
  /** Tracks work that outlives an HTTP request (listener bodies after ack) so shutdown can wait for it. */
  inflight: InflightTracker;
  /** Watches for database outages (set once the app is started). */
  health?: DatabaseHealth;
  /** Counters and timings for GET /metrics (the gauges read the database themselves). */
  metrics: Metrics;
  /** Sends background jobs (pg-boss underneath; only src/app knows that). */
  jobs: JobQueue;
  /** Single-workspace mode: the bot token's workspace and bot user, from Slack's auth.test. */
  botIdentity?: () => Promise<BotIdentity>;
  /** A Web API client authorized for a workspace, for work outside a Slack request (DMs, Home refresh). */
  slackClient(teamId: string, options?: SlackClientOptions): Promise<WebClient>;
}

export interface SlackClientOptions {
  /**
   * `reject`: a 429 throws at once (with its Retry-After) and nothing is retried inside the client, so a
   * queued job can reschedule itself instead of holding a worker, and a post is never sent twice by a
   * retry. The default client waits out 429s and retries server errors.
   */
  rateLimits?: 'wait' | 'reject';
}

export class InflightTracker {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when everything tracked so far has settled, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const all = Promise.allSettled([...this.pending]).then(() => true);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
    return Promise.race([all, timeout]);
  }
}
