/**
 * The DMs Thread sends about a connection, to whoever connected it. mrkdwn; the account label comes from
 * the provider, so it is escaped.
 */
import { ACTIONS } from '../ids.js';
import { escapeText } from '../mrkdwn.js';
import type { SlackMessage } from './help.js';

/**
 * After a connect, to whoever asked for the link. A connect link is a bearer credential — whoever opens
 * it connects *their* account — so the DM names the account that was connected and offers the way out.
 */
export function connectedDm(
  p: { id: string; name: string },
  label: string,
  missingScopes: string[],
): SlackMessage {
  const account = `*${escapeText(label)}*`;
  const headline = missingScopes.length
    ? `⚠️ *${p.name}* connected — account ${account}, but without these permissions: ${missingScopes.join(', ')}. Reconnect and grant them all (\`/thread reconnect ${p.id}\`).`
    : `*${p.name}* connected ✅ — account ${account}, through the link you asked for.`;
  const notYou =
    "Not you? If you didn't connect this account, disconnect it — Thread stops using it at once.";
  return {
    text: `${headline} ${notYou}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: notYou },
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: 'Disconnect' },
          style: 'danger',
          action_id: ACTIONS.disconnect,
          value: p.id,
        },
      },
    ],
  };
}

export function brokenDm(p: { id: string; name: string }, trouble: { title: string; fix: string }): string {
  return `⚠️ *${p.name}* needs attention: *${trouble.title}*. ${trouble.fix} Open the Thread *Home* tab, or run \`/thread reconnect ${p.id}\`.`;
}

export function recoveredDm(p: { name: string }): string {
  return `✅ *${p.name}* is working again — nothing more to do.`;
}
