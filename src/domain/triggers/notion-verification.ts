/**
 * Notion's webhook verification token reaches Thread once, in a request to /webhooks/notion, and a person
 * must paste it into Notion's "Verify" dialog (and into NOTION_WEBHOOK_VERIFICATION_TOKEN, which checks
 * every event's signature from then on). It is a secret, so it is never logged: it is sent as a Slack DM
 * to whoever connected Notion — when exactly one workspace has, which is the case for a Thread run by one
 * company. With several (a shared Thread), Thread cannot tell whose integration is asking and says so in
 * the log instead, without the token.
 *
 * The request is not signed (Notion has nothing to sign it with yet), so anyone could send one: the DM
 * says to ignore it unless you just created the subscription, and one is sent at most every 10 minutes.
 */
import { rememberSecret } from '../../app/redact.js';
import type { Services } from '../../app/services.js';
import { escapeText } from '../../views/mrkdwn.js';
import { dm } from '../connections/notify.js';

const QUIET_MS = 10 * 60_000;
let lastShownAt = 0;

export type TokenOutcome = 'already set' | 'sent' | 'too soon' | 'no one to send it to';

export async function showNotionVerificationToken(services: Services, token: string): Promise<TokenOutcome> {
  // From here on the log scrubber masks it wherever it turns up (the Slack client logs request bodies).
  rememberSecret(token);
  if (services.config.notionWebhookToken === token) {
    services.logger.info('Notion re-sent the webhook verification token Thread already uses');
    return 'already set';
  }
  if (Date.now() - lastShownAt < QUIET_MS) {
    services.logger.warn('another Notion webhook verification token arrived within 10 minutes; not sent on');
    return 'too soon';
  }
  const connections = await services.db
    .selectFrom('connections')
    .select(['team_id', 'connected_by'])
    .where('provider', '=', 'notion')
    .where('status', '<>', 'available')
    .where('connected_by', 'is not', null)
    .execute();
  const teams = new Set(connections.map((c) => c.team_id));
  if (teams.size !== 1) {
    services.logger.warn(
      { workspaces: teams.size },
      'Notion sent a webhook verification token, but Thread cannot tell which workspace should see it (it is not logged): see the README, "Notion webhook"',
    );
    return 'no one to send it to';
  }
  lastShownAt = Date.now();
  const { team_id, connected_by } = connections[0]!;
  const replacing = services.config.notionWebhookToken
    ? ' It replaces the token Thread has now: until it is set, Notion’s events are refused (polling goes on).'
    : '';
  await dm(
    services,
    team_id,
    connected_by!,
    `*Notion sent Thread a webhook verification token.* If you just created a webhook subscription for Thread in Notion, paste it into Notion’s *Verify* dialog, and have whoever runs Thread set it as \`NOTION_WEBHOOK_VERIFICATION_TOKEN\` and restart Thread.${replacing} If you did not, ignore this message.\n\`${escapeText(token)}\``,
  );
  services.logger.info(
    { team: team_id },
    'Notion webhook verification token sent to whoever connected Notion',
  );
  return 'sent';
}
