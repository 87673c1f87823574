/**
 * The CSM's "Your accounts" section of App Home: their open accounts, each with its progress, the
 * milestone at hand and when it is due (overdue ones say so), and an Open button for the account view
 * where milestones are started and completed. Pure: data in, Block Kit out.
 */
import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';
import { day } from '../messages/accounts.js';
import { escapeText, truncate } from '../mrkdwn.js';

export interface MyAccountLine {
  id: string;
  name: string;
  done: number;
  total: number;
  /** The milestone in progress, else the next to do; null when none is left. */
  current: { name: string; dueDate: string; overdue: boolean } | null;
}

/** Accounts shown before "and N more": the Home tab holds 100 blocks with the other sections. */
export const MY_ACCOUNTS_SHOWN = 12;

export function myAccountsBlocks(accounts: readonly MyAccountLine[], total: number): KnownBlock[] {
  if (!accounts.length) return [];
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: `Your accounts (${total})` } },
  ];
  for (const a of accounts) {
    const now = a.current
      ? `${a.current.overdue ? '⏰ overdue' : 'now'}: ${truncate(escapeText(a.current.name), 120)}, due ${day(a.current.dueDate)}`
      : 'every milestone done';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${truncate(escapeText(a.name), 120)}* — ${a.done}/${a.total} milestones · ${now}`,
      },
      accessory: {
        type: 'button',
        text: { type: 'plain_text', text: 'Open' },
        action_id: ACTIONS.accountOpen,
        value: a.id,
      },
    });
  }
  if (total > accounts.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${total - accounts.length} more: \`/thread accounts\` lists them all.`,
        },
      ],
    });
  }
  return blocks;
}
