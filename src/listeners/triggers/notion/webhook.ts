/**
 * Notion's webhook: the one-time verification request (its token shown to the person who set it up,
 * never logged), then signed events — verified, validated, routed by workspace to the team that connected
 * it, and turned into one `poll-recheck` job per row named. The body's values are never trusted: the job
 * re-reads the row through the API and applies the poll's entry rules, so a duplicate delivery, or a
 * webhook and a poll seeing one change, is still one handoff.
 */
import type { Services } from '../../../app/services.js';
import { teamsForAccounts } from '../../../domain/triggers/events.js';
import { showNotionVerificationToken } from '../../../domain/triggers/notion-verification.js';
import { POLL_RECHECK_JOB } from '../../../domain/triggers/poll.js';
import { storable } from '../../../lib/storable.js';
import {
  type NotionEvent,
  notionEvent,
  notionVerification,
  rowToRecheck,
  validNotionSignature,
} from '../../../providers/notion/webhook.js';
import type { WebhookHandler } from '../webhook-route.js';

let missingTokenLogged = false;
const unknownWorkspacesLogged = new Set<string>();

export const notionWebhook: WebhookHandler = {
  provider: 'notion',
  async handle(services, request) {
    const token = services.config.notionWebhookToken;
    const signature = request.header('x-notion-signature');
    if (!signature) {
      // The one unsigned request Notion sends (it has no token to sign with yet); anything else is refused.
      const verification = notionVerification.safeParse(parseJson(request.body));
      if (!verification.success) return { status: 401 };
      await showNotionVerificationToken(services, verification.data.verification_token);
      return { status: 200 };
    }
    if (!token) {
      if (!missingTokenLogged) {
        missingTokenLogged = true;
        services.logger.warn(
          'a Notion webhook event arrived but NOTION_WEBHOOK_VERIFICATION_TOKEN is not set: refusing every one',
        );
      }
      return { status: 401 };
    }
    if (!validNotionSignature(token, request.body, signature)) return { status: 401 };
    const parsed = notionEvent.safeParse(parseJson(request.body));
    if (!parsed.success) return { status: 400, text: 'Bad request: not a Notion webhook event.\n' };
    await queueRecheck(services, parsed.data);
    return { status: 200 };
  },
};

function parseJson(body: Buffer): unknown {
  try {
    return storable(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

async function queueRecheck(services: Services, event: NotionEvent): Promise<void> {
  const pageId = rowToRecheck(event);
  if (!pageId) return;
  const teams = await teamsForAccounts(services, 'notion', [event.workspace_id]);
  const teamId = teams.get(event.workspace_id);
  if (!teamId) {
    if (!unknownWorkspacesLogged.has(event.workspace_id)) {
      if (unknownWorkspacesLogged.size > 10_000) unknownWorkspacesLogged.clear();
      unknownWorkspacesLogged.add(event.workspace_id);
      services.logger.warn(
        { workspace: event.workspace_id },
        'Notion webhook for a workspace no team has connected; ignored',
      );
    }
    return;
  }
  // If the queue refuses, the 500 makes Notion retry the delivery.
  await services.jobs.send(POLL_RECHECK_JOB, { teamId, provider: 'notion', externalId: pageId });
}
