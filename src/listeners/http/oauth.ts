/**
 * /oauth/:provider/start  — checks the link, then sends the browser to the provider's consent screen.
 * /oauth/:provider/callback — the provider sends the browser back here with a code (or an error).
 */
import { Router } from 'express';
import type { Services } from '../../app/services.js';
import { completeConnection } from '../../domain/connections/connect.js';
import { publishHome } from '../../domain/connections/home.js';
import { consumeState, peekState } from '../../domain/connections/oauth-states.js';
import { providerWords, scrubbedWords } from '../../providers/errors.js';
import { authorizeUrl } from '../../providers/oauth/authorize-url.js';
import { NotConfiguredError } from '../../providers/oauth/endpoints.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { type Page, pages } from '../../views/pages.js';

export function oauthRouter(services: Services): Router {
  const router = Router();
  const send = (res: import('express').Response, p: Page) =>
    res
      .status(p.status)
      .type('html')
      .set('cache-control', 'no-store')
      .set('referrer-policy', 'no-referrer')
      .send(p.html);
  const param = (v: unknown) => (typeof v === 'string' ? v : undefined);

  router.get('/:provider/start', async (req, res, next) => {
    try {
      const def = findProviderDefinition(req.params.provider);
      if (!def) return send(res, pages.unknownProvider());
      const state = param(req.query.state);
      const peek = await peekState(services, state, def.id);
      if (!peek.ok) return send(res, pages.linkProblem(def.id, peek.problem));
      res
        .set('cache-control', 'no-store')
        .redirect(302, authorizeUrl(services.config, def, state!, peek.record));
    } catch (err) {
      if (err instanceof NotConfiguredError) return send(res, pages.notSetUp(err.message));
      next(err);
    }
  });

  router.get('/:provider/callback', async (req, res, next) => {
    try {
      const def = findProviderDefinition(req.params.provider);
      if (!def) return send(res, pages.unknownProvider());
      const consumed = await consumeState(services, param(req.query.state), def.id);
      if (!consumed.ok) return send(res, pages.linkProblem(def.id, consumed.problem));
      const error = param(req.query.error);
      if (error) {
        if (error === 'access_denied') return send(res, pages.cancelled(def.name, def.id));
        const words = scrubbedWords(param(req.query.error_description)) ?? scrubbedWords(error)!;
        return send(res, pages.providerError(def.name, def.id, words));
      }
      const code = param(req.query.code);
      if (!code) return send(res, pages.linkProblem(def.id, 'missing'));
      const result = await completeConnection(services, def, consumed.record, code);
      if (!result.ok) {
        return send(
          res,
          // The page is seen by the manager who asked for the link: the provider's words, scrubbed.
          pages.providerError(
            def.name,
            def.id,
            providerWords(result.error) ?? scrubbedWords(result.error.message)!,
          ),
        );
      }
      await publishHome(services, consumed.record.teamId, consumed.record.userId).catch((err) =>
        services.logger.warn({ err }, 'could not refresh App Home after connecting'),
      );
      const label = result.connection.external_account_label ?? def.name;
      send(
        res,
        result.missingScopes.length
          ? pages.connectedMissingScopes(def, label, result.missingScopes)
          : pages.connected(def.name, label),
      );
    } catch (err) {
      if (err instanceof NotConfiguredError) return send(res, pages.notSetUp(err.message));
      next(err);
    }
  });
  return router;
}
