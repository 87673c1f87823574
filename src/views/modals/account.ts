/**
 * The account view, opened from App Home or a DM: the account's facts and its milestones, each with the
 * buttons that move it on (Start, Mark done, Skip) for the people who may (its CSM, managers); others see the
 * same facts without buttons. The account id travels in private_metadata so a click can redraw the
 * view; every click is re-checked by its handler (the id is untrusted).
 */
import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import { ACTIONS, VIEWS } from '../ids.js';
import { type AccountView, accountHeadBlocks, milestoneLine } from '../messages/accounts.js';
import { truncate } from '../mrkdwn.js';
import { section } from '../sections.js';
import { modalShell } from './shell.js';

/** A modal holds 100 blocks: the head, a title and the note, and milestones (a line, and buttons under an open one) up to the rest. */
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
  // Each milestone is a line; one still open, for those who may change it, has its buttons under it.
  let used = 0;
  let shown = 0;
  for (const m of a.milestones) {
    const buttons = options.canChange && m.id ? milestoneButtons(m.id, m) : [];
    const needs = buttons.length ? 2 : 1;
    if (used + needs > MILESTONE_BLOCKS) break;
    blocks.push(section(milestoneLine(m)));
    if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
    used += needs;
    shown++;
  }
  if (shown < a.milestones.length) {
    blocks.push(
      section(
        `…and ${a.milestones.length - shown} more. Mark one done: \`/thread milestone done <account> <number>\``,
      ),
    );
  }
  return modalShell({
    callbackId: VIEWS.account,
    privateMetadata: accountId,
    title: 'Account',
    close: 'Close',
    blocks,
  });
}

type Milestone = AccountView['milestones'][number];
type Button = Extract<ActionsBlock['elements'][number], { type: 'button' }>;

/** Start (to do, skipped) or Mark done (in progress), and Skip for one still open that is not go-live. */
function milestoneButtons(id: string, m: Milestone) {
  if (m.status === 'done') return [];
  const start = m.status === 'pending' || m.status === 'skipped';
  const buttons: Button[] = [
    {
      type: 'button',
      text: { type: 'plain_text' as const, text: start ? 'Start' : 'Mark done' },
      action_id: start ? ACTIONS.milestoneStart : ACTIONS.milestoneDone,
      value: id,
      ...(start ? {} : { style: 'primary' as const }),
    },
  ];
  if (m.status !== 'skipped' && !m.goLive) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Skip' },
      action_id: ACTIONS.milestoneSkip,
      value: id,
    });
  }
  return buttons;
}
