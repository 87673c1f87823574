/**
 * What Thread tells Prometheus (GET /metrics, see http.ts), on a registry of each instance's own — two
 * instances in one process (tests, benches) never mix their numbers, and nothing else in the process can
 * add to ours.
 *
 * - Gauges of state are read from Postgres at scrape time (jobs per queue and state, connections per
 *   state, stored deliveries per status), so every instance reports the same truth, whichever is scraped.
 * - Counters are for what happens in this process (deliveries sent / retried / failed, token refreshes)
 *   and the Slack ack latency histogram: Prometheus sums them over the instances.
 */

import type { RequestHandler } from 'express';
import { type Kysely, sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { PROVIDER_IDS } from '../providers/registry.js';
import type { ConnectionStatus, DB, DeliveryStatus } from './db-types.js';
import { JOBS_SCHEMA } from './jobs.js';

/** pg-boss's states we report, under the names an operator looks for; finished jobs are left out. */
const JOB_STATES = { created: 'queued', retry: 'retrying', active: 'running', failed: 'failed' } as const;
const CONNECTION_STATES: readonly ConnectionStatus[] = ['available', 'connected', 'error'];
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

/** What one delivery attempt ended in, as deliver() reports it (domain/deliveries). */
interface DeliveryResult {
  outcome: string;
  why?: string;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'outcome'>;
  private readonly refreshes: Counter<'provider' | 'outcome'>;
  private readonly ackSeconds: Histogram;

  constructor(db: Kysely<DB>) {
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: 'thread_deliveries_total',
      help: 'Slack delivery attempts by outcome: sent, retried (Slack refused for now; tried again), failed (for good)',
      labelNames: ['outcome'],
      registers,
    });
    this.refreshes = new Counter({
      name: 'thread_token_refreshes_total',
      help: 'Provider access-token refreshes by provider and outcome (ok, failed)',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'thread_slack_ack_seconds',
      help: 'Time from a Slack request arriving at POST /slack/events to its answer being sent (Slack waits 3 s)',
      // Fine around Slack's 3 s limit, so that a p99 near it is seen before Slack starts retrying.
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5],
      registers,
    });
    readAtScrape(
      'thread_jobs',
      'Background jobs per queue and state (failed: the last 12 hours)',
      ['queue', 'state'],
      registers,
      async () => {
        const rows = await sql<{ queue: string; state: string | null; n: number }>`
        select q.name as queue, j.state::text as state, count(j.id)::int as n
        from ${sql.table(`${JOBS_SCHEMA}.queue`)} q
        left join ${sql.table(`${JOBS_SCHEMA}.job`)} j
          on j.name = q.name and j.state::text in (${sql.join(Object.keys(JOB_STATES))})
        group by q.name, j.state`.execute(db);
        const queues = new Set(rows.rows.map((r) => r.queue));
        return [...queues].flatMap((queue) =>
          Object.entries(JOB_STATES).map(([state, name]) => ({
            labels: { queue, state: name },
            value: rows.rows.find((r) => r.queue === queue && r.state === state)?.n ?? 0,
          })),
        );
      },
    );
    readAtScrape(
      'thread_connections',
      'Provider connections per provider and state',
      ['provider', 'state'],
      registers,
      async () => {
        const rows = await db
          .selectFrom('connections')
          .select(['provider', 'status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy(['provider', 'status'])
          .execute();
        return PROVIDER_IDS.flatMap((provider) =>
          CONNECTION_STATES.map((state) => ({
            labels: { provider, state },
            value: Number(rows.find((r) => r.provider === provider && r.status === state)?.n ?? 0),
          })),
        );
      },
    );
    readAtScrape(
      'thread_deliveries_stored',
      'Stored Slack deliveries per status (finished ones are kept 30 days)',
      ['status'],
      registers,
      async () => {
        const rows = await db
          .selectFrom('deliveries')
          .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('status')
          .execute();
        return DELIVERY_STATUSES.map((status) => ({
          labels: { status },
          value: Number(rows.find((r) => r.status === status)?.n ?? 0),
        }));
      },
    );
  }

  /** Node's own numbers (CPU, memory, event loop lag, GC) too: only for an instance that serves /metrics. */
  withProcessMetrics(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }

  delivery(result: DeliveryResult): void {
    const outcome =
      result.outcome === 'delivered'
        ? 'sent'
        : result.outcome === 'failed'
          ? 'failed'
          : result.outcome === 'retrying' || result.why === 'rate limited'
            ? 'retried'
            : undefined; // already done, gone, or waiting for its slot: no attempt at Slack was made
    if (outcome) this.deliveries.inc({ outcome });
  }

  tokenRefresh(provider: string, outcome: 'ok' | 'failed'): void {
    this.refreshes.inc({ provider, outcome });
  }

  /** Express middleware: times each request from its arrival to its answer (Bolt's ack). */
  ackTimer(): RequestHandler {
    return (_req, res, next) => {
      const end = this.ackSeconds.startTimer();
      res.once('finish', () => end());
      next();
    };
  }
}

interface Sample<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/**
 * A gauge whose samples are read when Prometheus scrapes. While the database cannot be read, it has no
 * samples at all (a zero would be a lie); /healthz says why.
 */
function readAtScrape<L extends string>(
  name: string,
  help: string,
  labelNames: L[],
  registers: Registry[],
  read: () => Promise<Sample<L>[]>,
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers,
    async collect() {
      const samples = await read().catch(() => []);
      this.reset();
      for (const s of samples) this.set(s.labels as never, s.value);
    },
  });
}
