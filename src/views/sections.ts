/**
 * Section blocks within Slack's limits: a section's text is capped at 3,000 characters, and a message at
 * 50 blocks (a modal at 100) — lines are packed into as few sections as fit, and what does not fit is
 * counted rather than dropped silently. Pure.
 */
import type { KnownBlock } from '@slack/types';
import { truncate } from './mrkdwn.js';

const SECTION_MAX = 3000;
/** Leaves room, in a 50-block message, for the blocks around the packed ones. */
const MAX_SECTIONS = 45;

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) } };
}

/** Lines packed into as few sections as fit; what does not fit in a message is counted, not dropped silently. */
export function packed(lines: string[], overflow: (left: number) => string): KnownBlock[] {
  const chunks: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + 1 + lines[i]!.length <= SECTION_MAX) {
      chunks[chunks.length - 1] = `${last}\n${lines[i]}`;
    } else if (chunks.length < MAX_SECTIONS) {
      chunks.push(lines[i]!);
    } else break;
  }
  const blocks = chunks.map(section);
  if (i < lines.length) blocks.push(section(overflow(lines.length - i)));
  return blocks;
}
