/**
 * Thread's own HTTP routes around Bolt's: health, provider OAuth and webhook mount points, and the
 * plain answers for everything else (404 for unknown routes, a clean 500 — never a stack trace).
 */
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
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

  // Before Bolt's own route (added later by its receiver): signature window, kind, tenant, replays.
  if (!services.config.slack.appToken) app.post('/slack/events', slackGuard(services));
  if (mounts.oauth) app.use('/oauth', mounts.oauth);
  if (mounts.webhooks) app.use('/webhooks', mounts.webhooks);
  return app;
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
