/**
 * A broadcast as posted in customer channels, and the progress report its sender gets. The message is
 * what a manager typed: escaped, so `<!channel>` or `<@U…>` in it pings no one and links nowhere.
 */
import type { KnownBlock } from '@slack/types';
import { escapeText, truncate, userMention } from '../mrkdwn.js';
import { channelRef } from './channels.js';
import type { SlackMessage } from './help.js';

/** Slack's section text limit; the modal caps the message at 3,000 characters, escaping can grow it. */
const SECTION_MAX = 3000;

export function broadcastMessage(message: string, senderId: string): { text: string; blocks: KnownBlock[] } {
  const body = truncate(escapeText(message), SECTION_MAX);
  return {
    text: truncate(body, 300),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Sent by ${userMention(senderId)} with Thread` }],
      },
    ],
  };
}

export interface BroadcastProgressView {
  total: number;
  delivered: number;
  failed: { channelId: string; account: string | null; reason: string }[];
}

/** Failures named before "and N more", so the report stays one message. */
const FAILURES_SHOWN = 20;

export function broadcastReport(p: BroadcastProgressView, givenUp = false): SlackMessage {
  const finished = p.delivered + p.failed.length;
  const head =
    p.total === 0
      ? 'Your broadcast matched no customer channel: nothing was sent.'
      : `*Broadcast:* ${p.delivered} of ${p.total} delivered${p.failed.length ? `, ${p.failed.length} failed` : ''}${finished >= p.total ? ' — done.' : givenUp ? ` — ${p.total - finished} still waiting after an hour; see \`/thread accounts\`.` : '…'}`;
  const lines = p.failed
    .slice(0, FAILURES_SHOWN)
    .map(
      (f) =>
        `• ${channelRef(f.channelId)}${f.account ? ` (${truncate(escapeText(f.account), 80)})` : ''}: ${truncate(escapeText(f.reason), 200)}`,
    );
  if (p.failed.length > FAILURES_SHOWN) lines.push(`…and ${p.failed.length - FAILURES_SHOWN} more.`);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: head } }];
  if (lines.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_MAX) } });
  return { text: head.replace(/\*/g, ''), blocks };
}
