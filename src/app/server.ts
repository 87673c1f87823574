/**
 * Boots one Thread instance: database (migrated), vault, Slack check, Bolt app, HTTP server, background
 * jobs. Used by `npm start`, the demo, the benchmarks and every test, so they all run the same wiring.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type Authorize,
  ExpressReceiver,
  type InstallationStore,
  SocketModeReceiver,
} from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { checkSealedTokens } from '../domain/connections/key-rotation.js';
import { storable } from '../lib/storable.js';
import { installCallbackOptions } from '../listeners/http/install.js';
import { oauthRouter } from '../listeners/http/oauth.js';
import { JOB_SPECS } from '../listeners/jobs/index.js';
import { registerSlackListeners } from '../listeners/slack/index.js';
import { webhooks } from '../listeners/triggers/index.js';
import type { Config } from './config.js';
import { openDatabase, ping } from './db.js';
import { DatabaseHealth } from './db-health.js';
import type { EmbeddedServer } from './embedded/server.js';
import { createHttpApp, finishHttpApp } from './http.js';
import { createInstallationStore } from './installation-store.js';
import { type JobRunner, type StartJobsOptions, startJobs } from './jobs.js';
import { boltLogger, createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { migrate } from './migrate.js';
import { BOT_SCOPES } from './scopes.js';
import { InflightTracker, type Services } from './services.js';
import { checkInstallations, SingleWorkspaceIdentity } from './slack-check.js';
import { socketEventDedupe } from './slack-guard.js';
import { tenantMiddleware } from './tenant.js';
import { loadKeyring, TokenVault } from './vault.js';

export interface StartOptions {
  config: Config;
  logger?: Logger;
  /** Listen address; tests use 127.0.0.1. */
  host?: string;
  /** Background jobs: workers and schedules (both on by default). */
  jobs?: StartJobsOptions;
  /** Embedded mode: the database server, already starting (see main.ts). */
  embedded?: Promise<EmbeddedServer>;
}

export interface RunningThread {
  url: string;
  port: number;
  services: Services;
  bolt: App;
  jobs: JobRunner;
  stop(): Promise<void>;
}

/** The HTTP port is taken: one line for the person starting Thread. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Clients for queued work (`rateLimits: 'reject'`): a 429 throws with its Retry-After; no retries. */
/**
 * For durable deliveries: a 429 goes back to the job (which reschedules after Retry-After), and a call
 * gives up within 20 s, inside the delivery's 30 s lease (see domain/deliveries).
 */
const REJECT_RATE_LIMITS = { rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 20_000 };

/** How long a graceful stop may take in all, before it closes what is left. */
const STOP_BUDGET_MS = 9000;

export async function startThread(options: StartOptions): Promise<RunningThread> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.pretty });

  const phases = startPhases();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log: (level, msg, fields) => logger[level](fields ?? {}, msg),
    starting: options.embedded,
  });
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    phases.mark('database');
    const migrations = await migrate(database);
    phases.mark('migrations');
    if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'database migrated');

    const keyring = loadKeyring({
      encryptionKey: config.encryptionKey,
      previousEncryptionKeys: config.previousEncryptionKeys,
      dataDir: config.dataDir,
      onGenerated: (file) =>
        logger.warn(
          { file },
          'generated a new encryption key for the embedded database; back it up — without it stored tokens cannot be read',
        ),
    });
    const vault = await TokenVault.open(database.db, keyring);
    const clientOptions = {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
      logger: boltLogger(logger),
    };
    const installationStore =
      config.slack.mode.kind === 'multi' ? createInstallationStore(database.db, vault) : undefined;
    const single =
      config.slack.mode.kind === 'single'
        ? {
            client: new WebClient(config.slack.mode.botToken, clientOptions),
            rejecting: new WebClient(config.slack.mode.botToken, { ...clientOptions, ...REJECT_RATE_LIMITS }),
            identity: new SingleWorkspaceIdentity(config.slack.mode.botToken, clientOptions, logger),
          }
        : undefined;
    if (single) {
      cleanups.push(() => single.identity.stop());
      // Before anything is served: a token Slack rejects stops the start with one plain line.
      await single.identity.check();
    } else {
      await checkStoredInstallations(database.db, installationStore!, clientOptions, logger);
    }
    phases.mark('slack');

    let jobs: JobRunner | undefined;
    // Workers start with their queue, before startJobs returns: a job a handler sends meanwhile (a restart
    // with a backlog) waits the moment for the runner instead of failing and spending a retry.
    let runnerReady: (runner: JobRunner) => void = () => {};
    const runner = new Promise<JobRunner>((r) => {
      runnerReady = r;
    });
    const services: Services = {
      config,
      database,
      db: database.db,
      vault,
      logger,
      inflight: new InflightTracker(),
      metrics: config.metricsToken ? new Metrics(database.db).withProcessMetrics() : new Metrics(database.db),
      ...(single ? { botIdentity: () => single.identity.get() } : {}),
      jobs: {
        send: async (name, data, sendOptions) => (jobs ?? (await runner)).send(name, data, sendOptions),
        sendMany: async (name, items) => (jobs ?? (await runner)).sendMany(name, items),
      },
      async slackClient(teamId, { rateLimits = 'wait' } = {}) {
        const options = rateLimits === 'wait' ? clientOptions : { ...clientOptions, ...REJECT_RATE_LIMITS };
        if (single) return rateLimits === 'wait' ? single.client : single.rejecting;
        const installation = await installationStore!.fetchInstallation({
          teamId,
          enterpriseId: undefined,
          isEnterpriseInstall: false,
        });
        return new WebClient(installation.bot?.token, options);
      },
    };

    // Tokens the configured keys no longer open show as Setup problem from the first moment.
    const sealed = await checkSealedTokens(services);
    phases.mark('sealed tokens');
    if (sealed.unreadable) {
      logger.warn(
        sealed,
        'some connections have tokens no configured encryption key opens; they show as Setup problem (see README: rotating the encryption key)',
      );
    }

    const http = createHttpApp(services, { oauth: oauthRouter(services), webhooks: webhooks(services) });
    const authorize: Authorize<boolean> | undefined = single
      ? async () => {
          const id = await single.identity.get();
          return {
            botToken: (config.slack.mode as { botToken: string }).botToken,
            botUserId: id.botUserId,
            botId: id.botId,
            // No teamId: Bolt then takes the request's own, which the tenant check compares with ours.
          };
        }
      : undefined;
    const bolt = createBoltApp(services, http, installationStore, authorize);
    registerSlackListeners(bolt, services);
    finishHttpApp(http, services);

    const health = new DatabaseHealth(() => ping(database), logger);
    services.health = health;
    health.start();
    cleanups.push(() => health.stop());
    jobs = await startJobs(database, services, JOB_SPECS, logger, {
      ...options.jobs,
      onError: () => health.suspect(),
    });
    runnerReady(jobs);
    cleanups.push(() => jobs?.stop(2000));

    const server = createServer(http);
    phases.mark('jobs');
    await listen(server, config.port, options.host);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    if (config.slack.appToken) await bolt.start();
    const port = (server.address() as AddressInfo).port;
    logger.info(
      {
        port,
        database: database.kind,
        ...(database.server ? { socket: database.server.socketDir } : {}),
        vault: vault.backend,
        slack: config.slack.appToken ? 'socket mode' : 'http',
        workspaces: config.slack.mode.kind,
        // Since the process started, and where the time went (ms): how fast a restart is, in every log.
        readyMs: Math.round(process.uptime() * 1000),
        phases: phases.done(),
      },
      'Thread is running',
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const deadline = Date.now() + STOP_BUDGET_MS;
        const left = () => Math.max(0, deadline - Date.now());
        single?.identity.stop();
        health.stop();
        // 1. Stop accepting; requests already in flight are answered.
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (config.slack.appToken) await bolt.stop().catch(() => {});
        await Promise.race([closed, sleep(left() / 2)]);
        server.closeAllConnections();
        // 2. Work that goes on after Slack's ack, then running jobs.
        await services.inflight.drain(left() / 2);
        await jobs!.stop(Math.max(1000, left() - 1000));
        // 3. The database last (the embedded server stops with it).
        await database.close();
      })();
      return stopping;
    };
    return { url: `http://127.0.0.1:${port}`, port, services, bolt, jobs, stop };
  } catch (err) {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}

async function checkStoredInstallations(
  db: Services['db'],
  store: InstallationStore,
  clientOptions: ConstructorParameters<typeof WebClient>[1] & { slackApiUrl: string },
  logger: Logger,
): Promise<void> {
  const rows = await db
    .selectFrom('installations')
    .select(['team_id', 'team_name', 'enterprise_id', 'is_enterprise_install'])
    .execute();
  const tokens: { teamId: string; teamName: string | null; token: string }[] = [];
  for (const r of rows) {
    try {
      const installation = await store.fetchInstallation({
        teamId: r.team_id ?? undefined,
        enterpriseId: r.enterprise_id ?? undefined,
        isEnterpriseInstall: r.is_enterprise_install,
      });
      if (installation.bot?.token) {
        tokens.push({
          teamId: r.team_id ?? r.enterprise_id ?? '?',
          teamName: r.team_name,
          token: installation.bot.token,
        });
      }
    } catch (err) {
      logger.warn(
        { err, team: r.team_id },
        'a stored installation cannot be read; that workspace reinstalls Thread',
      );
    }
  }
  await checkInstallations(tokens, clientOptions, logger);
}

/** Start-up timing: the process's own boot and imports first, then each step of startThread. */
function startPhases() {
  const out: Record<string, number> = { boot: Math.round(process.uptime() * 1000) };
  let last = performance.now();
  return {
    mark(name: string) {
      const now = performance.now();
      out[name] = Math.round(now - last);
      last = now;
    },
    done: () => out,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function createBoltApp(
  services: Services,
  http: ReturnType<typeof createHttpApp>,
  installationStore: InstallationStore | undefined,
  singleAuthorize: Authorize<boolean> | undefined,
): App {
  const { config } = services;
  const logger = boltLogger(services.logger);
  // The Web API client: pointed at SLACK_API_URL; a few quick retries, and 429s wait out Retry-After.
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  };
  const mode = config.slack.mode;
  // Multi-workspace: the receiver serves /slack/install and authorizes through our installation store.
  const installer =
    mode.kind === 'single'
      ? {}
      : {
          clientId: mode.clientId,
          clientSecret: mode.clientSecret,
          stateSecret: mode.stateSecret,
          scopes: [...BOT_SCOPES],
          installationStore,
          installerOptions: {
            directInstall: true,
            clientOptions,
            // Slack's authorize page lives on slack.com, next to (not under) the API: derive it.
            authorizationUrl: new URL('/oauth/v2/authorize', config.slack.apiUrl).toString(),
            redirectUriPath: '/slack/oauth_redirect',
            callbackOptions: installCallbackOptions(services.logger),
          },
          redirectUri: `${config.publicUrl}/slack/oauth_redirect`,
        };

  const socketMode = Boolean(config.slack.appToken);
  // One receiver on our express app. Over HTTP it is the App's receiver (/slack/events); in Socket Mode
  // events arrive on the socket instead, and the receiver only serves the install routes (multi-workspace).
  const receiver = new ExpressReceiver({
    signingSecret: config.slack.signingSecret,
    ...installer,
    app: http,
    logger,
    bodyLimit: '1mb',
    endpoints: socketMode ? {} : { events: '/slack/events' },
    // Listener bodies go on after the ack; the inflight tracker lets shutdown wait for them.
    processBeforeResponse: false,
  });
  let app: App;
  if (socketMode) {
    // Our own SocketModeReceiver, so that apps.connections.open also goes to SLACK_API_URL.
    const socket = new SocketModeReceiver({
      appToken: config.slack.appToken!,
      logger,
      installerOptions: { clientOptions },
    });
    const authorize = { authorize: singleAuthorize ?? receiver.installer!.authorize };
    app = new App({ ...authorize, receiver: socket, socketMode: true, logger, clientOptions });
    app.use(tenantMiddleware(services)); // over HTTP, slack-guard.ts checks this before Bolt
    app.use(socketEventDedupe(services)); // likewise the event retries
  } else {
    // Multi-workspace: Bolt authorizes through the receiver's installer (our installation store).
    app = new App({
      ...(singleAuthorize ? { authorize: singleAuthorize } : {}),
      receiver,
      logger,
      clientOptions,
    });
  }
  app.use(async ({ body, next }) => {
    storable(body); // before any listener stores a word of it (see lib/storable)
    await services.inflight.track(next());
  });
  app.error(async (error) => {
    services.logger.error({ err: error }, 'slack listener failed');
  });
  return app;
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${port} is already in use by another program; stop it, or set PORT to a free port`,
            )
          : err.code === 'EACCES'
            ? new PortInUseError(`this user may not listen on port ${port}; set PORT to 1024 or above`)
            : err,
      );
    });
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
