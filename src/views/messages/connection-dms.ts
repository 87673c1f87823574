/**
 * The DMs Thread sends about a connection, to whoever connected it. mrkdwn; the account label comes from
 * the provider, so it is escaped.
 */
import { escapeText } from '../mrkdwn.js';

export function connectedDm(p: { id: string; name: string }, label: string, missingScopes: string[]): string {
  return missingScopes.length
    ? `⚠️ *${p.name}* connected to ${escapeText(label)}, but without these permissions: ${missingScopes.join(', ')}. Reconnect and grant them all (\`/thread reconnect ${p.id}\`).`
    : `*${p.name}* connected ✅ — ${escapeText(label)}`;
}

export function brokenDm(p: { id: string; name: string }, trouble: { title: string; fix: string }): string {
  return `⚠️ *${p.name}* needs attention: *${trouble.title}*. ${trouble.fix} Open the Thread *Home* tab, or run \`/thread reconnect ${p.id}\`.`;
}

export function recoveredDm(p: { name: string }): string {
  return `✅ *${p.name}* is working again — nothing more to do.`;
}
