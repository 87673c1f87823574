/**
 * Boots one Thread instance: database (migrated), vault, Bolt app, HTTP server. Used by `npm start`,
 * the demo, the benchmarks and every test, so they all run the same wiring.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { App, ExpressReceiver, type InstallationStore, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { installCallbackOptions } from '../listeners/http/install.js';
import { oauthRouter } from '../listeners/http/oauth.js';
import { registerSlackListeners } from '../listeners/slack/index.js';
import type { Config } from './config.js';
import { openDatabase } from './db.js';
import { createHttpApp, finishHttpApp } from './http.js';
import { createInstallationStore } from './installation-store.js';
import { boltLogger, createLogger, type Logger } from './logger.js';
import { migrate } from './migrate.js';
import { startScheduler } from './scheduler.js';
import { BOT_SCOPES } from './scopes.js';
import { InflightTracker, type Services } from './services.js';
import { tenantMiddleware } from './tenant.js';
import { loadKeyring, TokenVault } from './vault.js';

export interface StartOptions {
  config: Config;
  logger?: Logger;
  /** Listen address; tests use 127.0.0.1. */
  host?: string;
  /** Tests: an already-created PGlite (loaded from a dump). */
  pglite?: PGlite;
  /** Run the scheduled jobs (token refresh, pruning). Tests drive them directly instead. */
  schedules?: boolean;
}

export interface RunningThread {
  url: string;
  port: number;
  services: Services;
  bolt: App;
  stop(): Promise<void>;
}

export async function startThread(options: StartOptions): Promise<RunningThread> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.pretty });

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pglite: options.pglite,
  });
  try {
    const migrations = await migrate(database);
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
    const singleClient =
      config.slack.mode.kind === 'single'
        ? new WebClient(config.slack.mode.botToken, clientOptions)
        : undefined;
    const services: Services = {
      config,
      database,
      db: database.db,
      vault,
      logger,
      inflight: new InflightTracker(),
      async slackClient(teamId) {
        if (singleClient) return singleClient;
        const installation = await installationStore!.fetchInstallation({
          teamId,
          enterpriseId: undefined,
          isEnterpriseInstall: false,
        });
        return new WebClient(installation.bot?.token, clientOptions);
      },
    };

    const http = createHttpApp(services, { oauth: oauthRouter(services) });
    const bolt = createBoltApp(services, http, installationStore);
    registerSlackListeners(bolt, services);
    finishHttpApp(http, services);

    const server = createServer(http);
    await listen(server, config.port, options.host);
    if (config.slack.appToken) await bolt.start();
    const scheduler = options.schedules === false ? undefined : startScheduler(services);
    const port = (server.address() as AddressInfo).port;
    logger.info(
      {
        port,
        database: database.kind,
        vault: vault.backend,
        slack: config.slack.appToken ? 'socket mode' : 'http',
        workspaces: config.slack.mode.kind,
      },
      'Thread is running',
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        // Stop accepting, let in-flight requests and post-ack work finish, then close the database.
        scheduler?.stop();
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (config.slack.appToken) await bolt.stop().catch(() => {});
        await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
        server.closeAllConnections();
        await services.inflight.drain(10_000);
        await database.close();
      })();
      return stopping;
    };
    return { url: `http://127.0.0.1:${port}`, port, services, bolt, stop };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

function createBoltApp(
  services: Services,
  http: ReturnType<typeof createHttpApp>,
  installationStore: InstallationStore | undefined,
): App {
  const { config } = services;
  const logger = boltLogger(services.logger);
  // The Web API client: pointed at SLACK_API_URL; a few quick retries, and 429s wait out Retry-After.
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  };
  const mode = config.slack.mode;
  const auth =
    mode.kind === 'single'
      ? { token: mode.botToken }
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
    ...(mode.kind === 'multi' ? auth : {}),
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
    const authorize =
      mode.kind === 'single' ? { token: mode.botToken } : { authorize: receiver.installer!.authorize };
    app = new App({ ...authorize, receiver: socket, socketMode: true, logger, clientOptions });
    app.use(tenantMiddleware(services)); // over HTTP, slack-guard.ts checks this before Bolt
  } else {
    // Multi-workspace: Bolt authorizes through the receiver's installer (our installation store).
    app = new App({
      ...(mode.kind === 'single' ? { token: mode.botToken } : {}),
      receiver,
      logger,
      clientOptions,
    });
  }
  app.use(async ({ next }) => {
    await services.inflight.track(next());
  });
  app.error(async (error) => {
    services.logger.error({ err: error }, 'slack listener failed');
  });
  return app;
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
