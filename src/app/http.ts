/**
 * Thread's own HTTP routes around Bolt's: health, metrics, provider OAuth and webhook mount points, and
 * the plain answers for everything else (404 for unknown routes, a clean 500 — never a stack trace).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { ping } from './db.js';
import type { Services } from './services.js';
import { slackGuard } from './slack-guard.js';
import { VERSION } from './version.js';

export interface HttpMounts {
  /** `/oauth/:provider/start` and `/oauth/:provider/callback`. */
  oauth?: Router;
  /** `/webhooks/:provider`. */
  webhooks?: Router;
}

export function createHttpApp(services: Services, mounts: HttpMounts = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.get('/healthz', async (_req, res) => {
    // Not logged per probe (a load balancer asks every few seconds): DatabaseHealth says a change once.
    const up = services.health
      ? await services.health.check()
      : await ping(services.database).then(
          () => true,
          () => false,
        );
    if (up) res.json({ status: 'ok', version: VERSION, database: services.database.kind });
    else res.status(503).json({ status: 'unavailable', version: VERSION, database: 'unreachable' });
  });

  // Without a token there is no route at all: the 404 below, like any path Thread does not serve.
  if (services.config.metricsToken) app.get('/metrics', metricsRoute(services, services.config.metricsToken));

  // Before Bolt's own route (added later by its receiver): the ack clock starts, then the guard checks the
  // signature window, kind, tenant and replays.
  if (!services.config.slack.appToken) {
    app.post('/slack/events', services.metrics.ackTimer(), slackGuard(services));
  }
  if (mounts.oauth) app.use('/oauth', mounts.oauth);
  if (mounts.webhooks) app.use('/webhooks', mounts.webhooks);
  return app;
}

/** Prometheus's scrape, for a request bearing the token; 401 (and how to authenticate) otherwise. */
function metricsRoute(services: Services, token: string): RequestHandler {
  // Digests of equal length, compared in constant time: the answer's timing tells nothing of the token.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  return async (req, res, next) => {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('Unauthorized.\n');
      return;
    }
    try {
      const { registry } = services.metrics;
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    } catch (err) {
      next(err);
    }
  };
}

/** Added after Bolt's routes: whatever nobody handled. */
export function finishHttpApp(app: Express, services: Services): void {
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found.\n');
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status =
      typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) services.logger.error({ err }, 'http request failed');
    if (res.headersSent) return;
    res
      .status(status)
      .type('text/plain')
      .send(
        status === 413 ? 'Request too large.\n' : status < 500 ? 'Bad request.\n' : 'Something went wrong.\n',
      );
  };
  app.use(onError);
}
