/**
 * GET /metrics: off without THREAD_METRICS_TOKEN, 401 without the right bearer token, and with it the
 * numbers Prometheus scrapes — read after doing things through the real app (a slash command, deliveries
 * that post, retry and fail, a connection, refreshes, jobs in each state).
 */
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';
import type { DB } from '../../src/app/db-types.js';
import { Metrics } from '../../src/app/metrics.js';
import { getAccessToken } from '../../src/domain/connections/tokens.js';
import { DELIVER_JOB, enqueueDelivery } from '../../src/domain/deliveries/deliveries.js';
import { connectionRow, connectVia, useConnectorWorld } from '../connectors/helpers.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app.js';

const TOKEN = 'metrics-0123456789abcdef0123456789abcdef';
const world = useConnectorWorld({ THREAD_METRICS_TOKEN: TOKEN });

const get = (url: string, authorization?: string) =>
  fetch(`${url}/metrics`, authorization ? { headers: { authorization } } : {});

/** One scrape as `name{labels}` → value, exactly as the exposition format prints each sample. */
async function scrape(app: TestApp = world.app): Promise<Map<string, number>> {
  const res = await get(app.url, `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** Waits until the scraped `sample` reaches `value` (the work behind it is asynchronous). */
async function scrapeUntil(sample: string, value: number): Promise<Map<string, number>> {
  let last: Map<string, number> | undefined;
  try {
    await world.app.until(
      async () => {
        last = await scrape();
        return last.get(sample) === value;
      },
      `${sample} = ${value}`,
      15_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last scrape: ${sample} = ${last?.get(sample)}`);
  }
  return last!;
}

describe('GET /metrics', () => {
  it('does not exist without THREAD_METRICS_TOKEN', async () => {
    const plain = await startTestApp();
    try {
      expect((await get(plain.url)).status).toBe(404);
      expect((await get(plain.url, `Bearer ${TOKEN}`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('refuses a token shorter than 32 characters at start, naming the variable', () => {
    const env = {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-1',
      THREAD_METRICS_TOKEN: 'short',
    };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/THREAD_METRICS_TOKEN: must be at least 32 characters/);
  });

  it('answers 401 with WWW-Authenticate: Bearer to a missing or wrong token, and shows nothing', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN.slice(0, -1)}x`, // same length, last character wrong
      `Bearer ${TOKEN}x`,
      `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
      TOKEN,
    ]) {
      const res = await get(world.app.url, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(await res.text()).not.toContain('thread_');
    }
  });

  it('answers the Prometheus text format, with Node’s own metrics on the same registry', async () => {
    const res = await get(world.app.url, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const name of [
      'thread_jobs',
      'thread_connections',
      'thread_deliveries_stored',
      'thread_deliveries_total',
      'thread_token_refreshes_total',
      'thread_slack_ack_seconds',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('times the ack of every Slack request', async () => {
    const before = (await scrape()).get('thread_slack_ack_seconds_count') ?? 0;
    const res = await world.app.command('help');
    expect(res.status).toBe(200);
    const after = await scrapeUntil('thread_slack_ack_seconds_count', before + 1);
    // A help answer is far inside Slack's 3 s: counted in the 3 s bucket and every one above.
    expect(after.get('thread_slack_ack_seconds_bucket{le="3"}')).toBe(before + 1);
    expect(after.get('thread_slack_ack_seconds_bucket{le="+Inf"}')).toBe(before + 1);
    expect(after.get('thread_slack_ack_seconds_sum')).toBeGreaterThan(0);
  });

  it('counts deliveries sent, retried and failed, and reads the stored ones per status', async () => {
    const services = world.app.thread.services;
    const slack = world.app.slack;
    const deliver = (key: string, channel: string) =>
      enqueueDelivery(services, { teamId: world.app.teamId, channel, key, message: { text: key } });

    await deliver('metrics-sent', 'C0METRICS1');
    let m = await scrapeUntil('thread_deliveries_total{outcome="sent"}', 1);
    expect(m.get('thread_deliveries_stored{status="delivered"}')).toBe(1);

    // Slack's 429: the attempt is retried after Retry-After, then sent.
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await deliver('metrics-limited', 'C0METRICS2');
    m = await scrapeUntil('thread_deliveries_total{outcome="sent"}', 2);
    expect(m.get('thread_deliveries_total{outcome="retried"}')).toBe(1);

    // An error no retry fixes: failed at once.
    slack.failNext('chat.postMessage', 'channel_not_found');
    await deliver('metrics-failed', 'C0METRICS3');
    m = await scrapeUntil('thread_deliveries_total{outcome="failed"}', 1);
    expect(m.get('thread_deliveries_stored{status="failed"}')).toBe(1);
    expect(m.get('thread_deliveries_stored{status="delivered"}')).toBe(2);
    expect(m.get('thread_deliveries_stored{status="pending"}')).toBe(0);
  });

  it('reads jobs per queue and state: queued, running, failed', async () => {
    const services = world.app.thread.services;
    const base = await scrape();
    const deliverJobs = (state: string) => `thread_jobs{queue="${DELIVER_JOB}",state="${state}"}`;
    // Every queue is there, at zero when idle.
    expect(base.get('thread_jobs{queue="refresh-tokens",state="failed"}')).toBe(0);

    // Running: a post Slack has not answered yet.
    const release = world.app.slack.holdPosts('C0METRICSHELD');
    try {
      await enqueueDelivery(services, {
        teamId: world.app.teamId,
        channel: 'C0METRICSHELD',
        key: 'metrics-held',
        message: { text: 'held' },
      });
      await scrapeUntil(deliverJobs('running'), (base.get(deliverJobs('running')) ?? 0) + 1);
    } finally {
      release();
    }
    await scrapeUntil('thread_deliveries_total{outcome="sent"}', 3);

    // Queued: a job due in an hour. Failed: the same job, as pg-boss leaves it when retries run out.
    const queued = base.get(deliverJobs('queued')) ?? 0;
    const id = await services.jobs.send(DELIVER_JOB, { id: randomUUID() }, { startAfter: 3600 });
    expect((await scrape()).get(deliverJobs('queued'))).toBe(queued + 1);
    await sql`update pgboss.job set state = 'failed' where id = ${id}`.execute(services.db);
    const m = await scrape();
    expect(m.get(deliverJobs('queued'))).toBe(queued);
    expect(m.get(deliverJobs('failed'))).toBe((base.get(deliverJobs('failed')) ?? 0) + 1);
  });

  it('reads connections per provider and state, and counts token refreshes ok and failed', async () => {
    const services = world.app.thread.services;
    const notion = world.emulators.byId.notion!;
    expect((await scrape()).get('thread_connections{provider="notion",state="connected"}')).toBe(0);
    await connectVia(world.app, notion, 'notion');
    let m = await scrape();
    expect(m.get('thread_connections{provider="notion",state="connected"}')).toBe(1);
    expect(m.get('thread_connections{provider="hubspot",state="connected"}')).toBe(0);

    const row = (await connectionRow(world.app, 'notion'))!;
    await getAccessToken(services, row.id, { force: true });
    m = await scrape();
    expect(m.get('thread_token_refreshes_total{provider="notion",outcome="ok"}')).toBe(1);

    // The provider revokes the grant: the refresh is refused and the connection is in Error.
    notion.revokeAllGrants();
    await expect(getAccessToken(services, row.id, { force: true })).rejects.toMatchObject({
      code: 'grant_revoked',
    });
    m = await scrape();
    expect(m.get('thread_token_refreshes_total{provider="notion",outcome="failed"}')).toBe(1);
    expect(m.get('thread_connections{provider="notion",state="connected"}')).toBe(0);
    expect(m.get('thread_connections{provider="notion",state="error"}')).toBe(1);
  });

  it('while the database cannot be read, the scrape still answers: its gauges are left out, not zeroed', async () => {
    // Nothing listens on port 1: every query fails at once, as in an outage.
    const pool = new pg.Pool({ connectionString: 'postgres://thread@127.0.0.1:1/thread' });
    const unreachable = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    try {
      const metrics = new Metrics(unreachable);
      metrics.tokenRefresh('notion', 'ok');
      const text = await metrics.registry.metrics();
      expect(text).toContain('thread_token_refreshes_total{provider="notion",outcome="ok"} 1');
      expect(text).toContain('# TYPE thread_jobs gauge');
      expect(text).not.toMatch(/^thread_(jobs|connections|deliveries_stored)\{/m);
    } finally {
      await unreachable.destroy();
    }
  });

  describe('a second instance on the same database', () => {
    let second: TestApp | undefined;
    afterAll(async () => {
      await second?.stop();
    });

    it('reports the same state from the database, and only its own counters', async () => {
      second = await startTestApp({
        slack: world.app.slack,
        databaseUrl: world.app.env.DATABASE_URL,
        encryptionKey: world.app.env.THREAD_ENCRYPTION_KEY,
        env: { ...world.emulators.env, THREAD_METRICS_TOKEN: TOKEN },
      });
      const [mine, theirs] = await Promise.all([scrape(), scrape(second)]);
      const state = (m: Map<string, number>) =>
        [...m].filter(([k]) => /^thread_(connections|deliveries_stored)\{/.test(k));
      expect(state(theirs)).toEqual(state(mine));
      expect(state(mine).length).toBeGreaterThan(20);
      expect(mine.get('thread_deliveries_total{outcome="sent"}')).toBeGreaterThan(0);
      expect(theirs.get('thread_deliveries_total{outcome="sent"}')).toBeUndefined();
    });
  });
});
