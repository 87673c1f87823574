/**
 * The CSM's "silent accounts" section of App Home: their open accounts whose customer has not reacted
 * or replied to Thread's posts for N days. Pure; the domain's silentAccounts() fills it.
 */
import type { KnownBlock } from '@slack/types';
import { channelRef } from '../messages/channels.js';
import { escapeText, slackDate, truncate } from '../mrkdwn.js';

export interface SilentAccountView {
  name: string;
  channelId: string;
  lastAt: Date | null;
}

/** Accounts listed before "and N more": the Home tab has other sections (100 blocks in all). */
const SHOWN = 15;

export function silentAccountsBlocks(accounts: readonly SilentAccountView[], days: number): KnownBlock[] {
  if (!accounts.length) return [];
  const lines = accounts
    .slice(0, SHOWN)
    .map(
      (a) =>
        `• *${truncate(escapeText(a.name), 120)}* in ${channelRef(a.channelId)} — ${a.lastAt ? `last engagement ${slackDate(a.lastAt, '{date_short_pretty}')}` : 'no customer engagement yet'}`,
    );
  if (accounts.length > SHOWN) lines.push(`…and ${accounts.length - SHOWN} more.`);
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*🔕 Silent for ${days}+ days* — no reaction or reply from the customer on Thread’s posts:`,
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
  ];
}
