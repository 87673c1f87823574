/**
 * `POST /webhooks/:provider`: what every provider webhook needs before its own handler — the raw body
 * (signatures are computed over the exact bytes), a 1 MB cap (413), the public URL the provider called
 * (signatures may cover it; behind a proxy the socket address is not what the provider signed), and a
 * 404 for a provider without a webhook.
 */
import express, { type Router } from 'express';
import type { Services } from '../../app/services.js';

export interface WebhookRequest {
  method: string;
  /** `THREAD_PUBLIC_URL` + the path and query as received. */
  publicUri: string;
  body: Buffer;
  header(name: string): string | undefined;
}

export interface WebhookHandler {
  provider: string;
  /** Answers the request: status and an optional plain-text body. Unverified requests must store nothing. */
  handle(services: Services, request: WebhookRequest): Promise<{ status: number; text?: string }>;
}

export function webhooksRouter(services: Services, handlers: readonly WebhookHandler[]): Router {
  const byProvider = new Map(handlers.map((h) => [h.provider, h]));
  const router = express.Router();
  router.post(
    '/:provider',
    (req, res, next) => (byProvider.has(req.params.provider) ? next() : res.status(404).end()),
    // Any content type: the signature, not the header, says whether the body is the provider's.
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res, next) => {
      try {
        const handler = byProvider.get(req.params.provider as string)!;
        const answer = await handler.handle(services, {
          method: req.method,
          publicUri: `${services.config.publicUrl}${req.originalUrl}`,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          header: (name) => req.get(name),
        });
        res
          .status(answer.status)
          .type('text/plain')
          .send(answer.text ?? '');
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}
