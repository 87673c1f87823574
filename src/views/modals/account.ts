/**
 * The account view, opened from App Home or a DM: the account's facts and its milestones, each with the
 * button that moves it on (Start, Mark done) for the people who may (its CSM, managers); others see the
 * same facts without buttons. The account id travels in private_metadata so a click can redraw the
 * view; every click is re-checked by its handler (the id is untrusted).
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { ACTIONS, VIEWS } from '../ids.js';
import { type AccountView, accountHeadBlocks, milestoneLine } from '../messages/accounts.js';
import { truncate } from '../mrkdwn.js';
import { section } from '../sections.js';
import { modalShell } from './shell.js';

/** A modal holds 100 blocks: the head, a title, the note, the skip hint, and milestones up to the rest. */
const MILESTONE_BLOCKS = 90;

export function accountModal(
  accountId: string,
  a: AccountView,
  options: { canChange: boolean; note?: string },
): ModalView {
  const blocks: KnownBlock[] = [];
  if (options.note) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(options.note, 2000) }] });
  }
  blocks.push(...accountHeadBlocks(a), { type: 'divider' });
  const done = a.milestones.filter((m) => m.status === 'done' || m.status === 'skipped').length;
  blocks.push(
    section(
      a.milestones.length
        ? `*Milestones* — ${done} of ${a.milestones.length} done`
        : '*Milestones* — none yet: the onboarding template is applied when the handoff runs.',
    ),
  );
  for (const m of a.milestones.slice(0, MILESTONE_BLOCKS)) {
    const block = section(milestoneLine(m)) as KnownBlock & { accessory?: unknown };
    const button = options.canChange && m.id ? milestoneButton(m.id, m.status) : undefined;
    blocks.push(button ? { ...block, accessory: button } : block);
  }
  if (a.milestones.length > MILESTONE_BLOCKS) {
    blocks.push(
      section(
        `…and ${a.milestones.length - MILESTONE_BLOCKS} more. Mark one done: \`/thread milestone done <account> <number>\``,
      ),
    );
  }
  const open = a.milestones.some((m) => m.status === 'pending' || m.status === 'in_progress');
  if (options.canChange && open) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'A milestone this customer does not need: `/thread milestone skip <account> <milestone>` — it counts as done and the customer is not told.',
        },
      ],
    });
  }
  return modalShell({
    callbackId: VIEWS.account,
    privateMetadata: accountId,
    title: 'Account',
    close: 'Close',
    blocks,
  });
}

function milestoneButton(id: string, status: AccountView['milestones'][number]['status']) {
  if (status === 'done') return undefined;
  const start = status === 'pending' || status === 'skipped';
  return {
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: start ? 'Start' : 'Mark done' },
    action_id: start ? ACTIONS.milestoneStart : ACTIONS.milestoneDone,
    value: id,
    ...(start ? {} : { style: 'primary' as const }),
  };
}
