/** Messages about connectors: the connect link, status, test results, refusals. Pure. */
import type { KnownBlock } from '@slack/types';
import type { ProviderInfo } from '../../providers/types.js';
import { type DashboardRow, STATE_LABEL } from '../home/dashboard.js';
import { ACTIONS } from '../ids.js';
import { escapeText, slackDate, truncate, userMention } from '../mrkdwn.js';
import type { SlackMessage } from './help.js';

export function text(message: string): SlackMessage {
  return {
    text: message,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(message, 3000) } }],
  };
}

export function connectLinkMessage(
  p: ProviderInfo,
  url: string,
  f: { reconnect?: boolean; environment?: string },
): SlackMessage {
  const verb = f.reconnect ? 'Reconnect' : 'Connect';
  const where = f.environment === 'sandbox' ? ' (sandbox)' : '';
  return {
    text: `${verb} ${p.name}${where}: ${url}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${verb} ${p.name}${where}*\n${p.purpose}\n${linkWarning(p)}`,
        },
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: `${verb} ${p.name}` },
          url,
          style: 'primary',
          action_id: ACTIONS.openLink,
        },
      },
    ],
  };
}

/**
 * What a connect link is. It is a bearer credential: it is not tied to whoever asked for it, so it must
 * not be forwarded (the DM after connecting names the account and offers Disconnect, in case it was).
 */
export function linkWarning(p: ProviderInfo): string {
  return `This link is single-use and valid for 10 minutes. Whoever opens it connects their ${p.name} account to Thread — don’t forward it.`;
}

export function statusMessage(rows: readonly DashboardRow[]): SlackMessage {
  const lines = rows.map((r) => {
    const badge = r.provider.badge ? ` (${r.provider.badge})` : '';
    const parts = [`*${r.provider.name}*${badge} — ${STATE_LABEL[r.state]}`];
    if (r.accountLabel) parts.push(`account ${escapeText(r.accountLabel)}`);
    if (r.connectedBy) parts.push(`connected by ${userMention(r.connectedBy)}`);
    if (r.lastSuccessAt) parts.push(`last success ${slackDate(r.lastSuccessAt)}`);
    if (r.problem) parts.push(`*${escapeText(r.problem.title)}*: ${escapeText(r.problem.fix)}`);
    else if (r.lastErrorAt) parts.push(`last error ${slackDate(r.lastErrorAt)}`);
    return parts.join(' · ');
  });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '*Thread connectors*' } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
  ];
  return { text: 'Thread connectors', blocks };
}

/** A Test outcome. `detail` is the provider's own words: pass it only when a manager reads this. */
export function testResultMessage(
  p: ProviderInfo,
  result:
    | { ok: true; ms: number; summary: string }
    | { ok: false; title: string; fix: string; detail?: string },
  audience: { providerWords: boolean },
): SlackMessage {
  if (result.ok) {
    return text(`✅ *${p.name}* test passed in ${Math.round(result.ms)} ms — ${escapeText(result.summary)}.`);
  }
  const detail =
    audience.providerWords && result.detail
      ? `\n${p.name} said: _${escapeText(truncate(result.detail, 300))}_`
      : '';
  return text(`⚠️ *${p.name}* test failed: *${escapeText(result.title)}*. ${escapeText(result.fix)}${detail}`);
}

/** `see`: the command that shows where things stand, which anyone may run. */
export function refusalMessage(action: string, helpers: string, see = '/thread status'): SlackMessage {
  return text(
    `Sorry — only workspace admins and Thread admins can ${action}. ${helpers} — or see where things stand with \`${see}\`.`,
  );
}
