/**
 * startTestApp(): the real Thread — config parser, database, vault, Bolt, HTTP server — on an ephemeral
 * port, against the Slack emulator and a fresh database, with every log line captured.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/app/config.js';
import type { StartJobsOptions } from '../../src/app/jobs.js';
import { captureStream, createLogger } from '../../src/app/logger.js';
import { type RunningThread, startThread } from '../../src/app/server.js';
import { issuedSecrets, shownPages } from '../emulators/issued-secrets.js';
import { type SlackEmulator, startSlackEmulator } from '../emulators/slack.js';
import {
  blockActionPayload,
  eventBody,
  interactivityBody,
  postSigned,
  type SlackResponse,
  slashCommandBody,
  viewSubmissionPayload,
} from './slack-requests.js';
import { dumpAllTables } from './table-dump.js';
import { freshDatabaseUrl } from './test-database.js';

/**
 * Where `secrets` (by default every one the emulators issued) show up in what this app produced: its log
 * lines, every table of `schemas`, every Slack message and view it sent, and the pages browsers were shown.
 * Names the place and the secret's first characters only.
 */
export async function secretsShown(
  app: TestApp,
  secrets: Iterable<string> = issuedSecrets,
  schemas?: string[],
): Promise<string[]> {
  const places: Record<string, string> = {
    logs: app.logs.join('\n'),
    tables: await dumpAllTables(app.thread.services.database, schemas).catch(() => ''),
    // What Thread sent Slack (the Authorization header aside; the install's code exchange carries Slack's
    // own client secret by design).
    'Slack messages': JSON.stringify(
      app.slack.calls.filter((c) => c.method !== 'oauth.v2.access').map((c) => c.args),
    ),
    'response_url replies': JSON.stringify(app.slack.responses),
    pages: shownPages.join('\n'),
  };
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      if (text.includes(secret)) leaks.push(`${where} (${secret.slice(0, 12)}…)`);
    }
  }
  return leaks;
}

/** Waits until `predicate` holds (post-ack work and jobs are asynchronous); returns what it returned. */
export async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  what = 'condition',
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/**
 * `/thread <text>` as `userId`, signed, to a Thread's `/slack/events`; then the reply — the ack's body, or
 * what was posted to the command's response_url.
 */
export async function commandReply(
  eventsUrl: string,
  slack: SlackEmulator,
  text: string,
  userId = 'UADMIN',
): Promise<Record<string, unknown>> {
  const responseUrl = slack.responseUrl();
  const res = await postSigned(
    eventsUrl,
    slashCommandBody({ text, teamId: slack.teamId, userId, responseUrl }),
    { secret: SIGNING_SECRET },
  );
  if (res.status !== 200) throw new Error(`command answered HTTP ${res.status}`);
  if (res.json && Object.keys(res.json).length) return res.json;
  const reply = await waitUntil(
    () => slack.responses.find((r) => r.url === responseUrl),
    `reply to "${text}"`,
  );
  return reply.body;
}

export interface TestApp {
  thread: RunningThread;
  slack: SlackEmulator;
  url: string;
  teamId: string;
  logs: string[];
  env: Record<string, string>;
  /** `/thread <text>` as `userId`; returns the HTTP response (the ack). */
  command(text: string, userId?: string, extra?: { responseUrl?: string }): Promise<SlackResponse>;
  /** `/thread <text>`, then waits for the reply posted to its response_url (or the ack body). */
  commandReply(text: string, userId?: string): Promise<Record<string, unknown>>;
  action(actionId: string, value: string, userId?: string, teamId?: string): Promise<SlackResponse>;
  viewSubmission(
    callbackId: string,
    privateMetadata: string,
    userId?: string,
    values?: Record<string, Record<string, unknown>>,
  ): Promise<SlackResponse>;
  event(event: Record<string, unknown>, teamId?: string): Promise<SlackResponse>;
  /** Opens App Home as `userId` and returns the published view. */
  openHome(userId?: string): Promise<Record<string, unknown>>;
  /** Waits until `predicate` holds (post-ack work is asynchronous). */
  until<T>(predicate: () => T | Promise<T>, what?: string, timeoutMs?: number): Promise<NonNullable<T>>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  slack?: SlackEmulator;
  /** Use this Postgres URL instead of a fresh database on the test run's embedded server. */
  databaseUrl?: string;
  /** Share an encryption key between instances (two apps, one database). */
  encryptionKey?: string;
  /** Background jobs' settings (e.g. a clock that looks at the schedules every second). */
  jobs?: StartJobsOptions;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const slack = options.slack ?? (await startSlackEmulator());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'thread-test-'));
  // The port is chosen up front so the public URL (OAuth redirect URIs) is right from the first moment.
  const port = await freePort();
  const env: Record<string, string> = {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    THREAD_DATA_DIR: dataDir,
    THREAD_ENCRYPTION_KEY: options.encryptionKey ?? randomBytes(32).toString('base64'),
    LOG_LEVEL: 'debug',
    THREAD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: options.databaseUrl ?? (await freshDatabaseUrl()),
    ...(options.env ?? {}),
  };
  const capture = captureStream();
  const logger = createLogger({ level: 'debug', destination: capture.stream });
  const config = loadConfig(env);
  const thread = await startThread({ config, logger, host: '127.0.0.1', jobs: options.jobs });
  const teamId = slack.teamId;
  const events = `${thread.url}/slack/events`;

  const app: TestApp = {
    thread,
    slack,
    url: thread.url,
    teamId,
    logs: capture.lines,
    env,
    command: (text, userId = 'UADMIN', extra = {}) =>
      postSigned(
        events,
        slashCommandBody({ text, teamId, userId, responseUrl: extra.responseUrl ?? slack.responseUrl() }),
        { secret: SIGNING_SECRET },
      ),
    commandReply: (text, userId = 'UADMIN') => commandReply(events, slack, text, userId),
    action: (actionId, value, userId = 'UADMIN', team = teamId) =>
      postSigned(
        events,
        interactivityBody(
          blockActionPayload({ teamId: team, userId, actionId, value, responseUrl: slack.responseUrl() }),
        ),
        { secret: SIGNING_SECRET },
      ),
    viewSubmission: (callbackId, privateMetadata, userId = 'UADMIN', values) =>
      postSigned(
        events,
        interactivityBody(viewSubmissionPayload({ teamId, userId, callbackId, privateMetadata, values })),
        { secret: SIGNING_SECRET },
      ),
    event: (event, team = teamId) =>
      postSigned(events, eventBody(team, event), { secret: SIGNING_SECRET, contentType: 'application/json' }),
    async openHome(userId = 'UADMIN') {
      const before = slack.callsTo('views.publish').length;
      const res = await app.event({ type: 'app_home_opened', user: userId, channel: 'DHOME', tab: 'home' });
      if (res.status !== 200) throw new Error(`app_home_opened answered HTTP ${res.status}`);
      await waitUntil(() => slack.callsTo('views.publish').length > before, 'views.publish');
      return slack.homeOf(userId)!;
    },
    until: waitUntil,
    async stop() {
      // The emulators' tokens and Thread's own secrets: none may be in a log, a table, a page or a message.
      const own = [
        SIGNING_SECRET,
        env.THREAD_ENCRYPTION_KEY!,
        ...(env.THREAD_PREVIOUS_ENCRYPTION_KEYS ?? '').split(','),
      ].filter((s) => s.trim().length > 0);
      const leaks = await secretsShown(app, [...issuedSecrets, ...own]);
      await thread.stop();
      if (!options.slack) await slack.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (leaks.length) throw new Error(`secrets an emulator issued were found in: ${leaks.join('; ')}`);
    },
  };
  return app;
}

export interface TwoTestApps {
  a: TestApp;
  b: TestApp;
  stop(): Promise<void>;
}

/**
 * Two instances as a deployment behind a load balancer runs them: one database, one encryption key, one
 * Slack, and one public URL — A's, which OAuth redirect URIs and webhook signatures name; B is reached on
 * its own port, as the balancer would reach it.
 */
export async function startTwoTestApps(
  options: Omit<TestAppOptions, 'databaseUrl' | 'encryptionKey'> = {},
): Promise<TwoTestApps> {
  const shared = {
    ...options,
    databaseUrl: await freshDatabaseUrl(),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  const a = await startTestApp(shared);
  let b: TestApp;
  try {
    b = await startTestApp({ ...shared, slack: a.slack, env: { ...options.env, THREAD_PUBLIC_URL: a.url } });
  } catch (err) {
    await a.stop();
    throw err;
  }
  return {
    a,
    b,
    // B first: A owns the Slack emulator unless the caller passed one.
    async stop() {
      try {
        await b.stop();
      } finally {
        await a.stop();
      }
    },
  };
}
