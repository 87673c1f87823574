/**
 * What milestones say: the progress post in the customer channel (what was completed, what is next, a
 * progress bar, due dates; a celebration at go-live), the one-line note under the handoff post, the
 * CSM's DM with its buttons, and the answers to `/thread milestone`. Pure: view-shaped data in, Block
 * Kit out. Account and milestone names come from CRMs and templates: every one is escaped and cut.
 */
import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';
import { escapeText, quoteInput, truncate, userMention } from '../mrkdwn.js';
import { section } from '../sections.js';
import { day, type MilestoneState, type StageName } from './accounts.js';
import { text } from './connectors.js';
import type { SlackMessage } from './help.js';

export interface MilestoneLine {
  id: string;
  name: string;
  status: MilestoneState;
  dueDate: string;
  goLive: boolean;
}

export interface ProgressView {
  accountId: string;
  name: string;
  stage: StageName;
  csmUserId: string | null;
  customerChannelId: string | null;
  milestones: MilestoneLine[];
}

const NAME_MAX = 120;

function n(name: string): string {
  return truncate(escapeText(name), NAME_MAX);
}

function counts(v: ProgressView): { done: number; total: number } {
  const done = v.milestones.filter((m) => m.status === 'done' || m.status === 'skipped').length;
  return { done, total: v.milestones.length };
}

/** "▰▰▰▰▱▱▱▱▱▱ 2 of 5 milestones done (40%)": ten cells, so it reads the same on a phone. */
export function progressBar(v: ProgressView): string {
  const { done, total } = counts(v);
  const share = total ? done / total : 0;
  const cells = Math.round(share * 10);
  return `${'▰'.repeat(cells)}${'▱'.repeat(10 - cells)} ${done} of ${total} milestones done (${Math.round(share * 100)}%)`;
}

/** What comes next: the milestone in progress, else the first to do, and the one after it. */
function upNext(v: ProgressView): MilestoneLine[] {
  const open = v.milestones.filter((m) => m.status === 'in_progress' || m.status === 'pending');
  const current = open.find((m) => m.status === 'in_progress') ?? open[0];
  if (!current) return [];
  const after = open.find((m) => m !== current && m.status === 'pending');
  return after ? [current, after] : [current];
}

/** The customer channel's post for a completed milestone; the go-live milestone's is a celebration. */
export function milestoneDonePost(v: ProgressView, completedId: string): SlackMessage {
  const m = v.milestones.find((x) => x.id === completedId);
  const what = m ? n(m.name) : 'A milestone';
  const next = upNext(v);
  const lines = [
    progressBar(v),
    ...next.map((x, i) => `*${i === 0 ? 'Next' : 'After that'}:* ${n(x.name)} — due ${day(x.dueDate)}`),
  ];
  if (!next.length) lines.push('*Every milestone of the onboarding plan is done.*');
  const lead = v.csmUserId ? `Your onboarding lead: ${userMention(v.csmUserId)}` : 'Onboarding by Thread';
  const head = m?.goLive
    ? `🎉 *${n(v.name)} is live!* Congratulations, and thank you: *${what}* is complete.`
    : `✅ *${what}* is complete.`;
  return {
    text: m?.goLive
      ? `${n(v.name)} is live! ${what} is complete.`
      : `${n(v.name)} onboarding: ${what} is complete (${counts(v).done} of ${counts(v).total}).`,
    blocks: [
      section(head),
      section(lines.join('\n')),
      { type: 'context', elements: [{ type: 'mrkdwn', text: lead }] },
    ],
  };
}

/**
 * The one line under the handoff post about a milestone that was done or skipped (skipped: the team
 * decided this customer does not need it).
 */
export function milestoneNote(
  v: ProgressView,
  milestoneId: string,
  by: string | null,
  how: 'done' | 'skipped' = 'done',
): SlackMessage {
  const m = v.milestones.find((x) => x.id === milestoneId);
  const { done, total } = counts(v);
  const next = upNext(v)[0];
  const who = by ? ` by ${userMention(by)}` : '';
  const live = how === 'done' && m?.goLive ? ' 🎉 The customer is live.' : '';
  const then = next ? ` Next: ${n(next.name)}.` : '';
  const icon = how === 'done' ? '✅' : '⏭️';
  return text(`${icon} *${m ? n(m.name) : 'A milestone'}* ${how}${who} — ${done}/${total}.${live}${then}`);
}

function button(label: string, actionId: string, value: string, style?: 'primary') {
  return {
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: label },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** The CSM's DM about a milestone in progress: what it is, when it is due, and the buttons. */
export function milestoneStartedDm(v: ProgressView, startedId: string, by: string | null): SlackMessage {
  const m = v.milestones.find((x) => x.id === startedId);
  if (!m) return text(`*${n(v.name)}*: that milestone is no longer on the plan.`);
  const who = by && by !== v.csmUserId ? ` (started by ${userMention(by)})` : '';
  return {
    text: `${n(v.name)}: ${n(m.name)} is in progress`,
    blocks: [
      section(
        `🔄 *${n(v.name)}* — *${n(m.name)}* is in progress${who}, due ${day(m.dueDate)}.\n${progressBar(v)}`,
      ),
      {
        type: 'actions',
        elements: [
          button('Mark done', ACTIONS.milestoneDone, m.id, 'primary'),
          button('Open account', ACTIONS.accountOpen, v.accountId),
        ],
      },
    ],
  };
}

/** The DM after its Mark done was clicked: the outcome in place of the buttons, and the next one's. */
export function milestoneDoneDm(v: ProgressView, completedId: string): SlackMessage {
  const m = v.milestones.find((x) => x.id === completedId);
  const next = upNext(v)[0];
  const blocks: KnownBlock[] = [
    section(
      `✅ *${n(v.name)}* — *${m ? n(m.name) : 'the milestone'}* is done.${m?.goLive ? ' 🎉 The customer is live.' : ''}\n${progressBar(v)}`,
    ),
  ];
  if (next) {
    blocks.push(section(`*Next:* ${n(next.name)} — due ${day(next.dueDate)}`), {
      type: 'actions',
      elements: [
        next.status === 'in_progress'
          ? button('Mark done', ACTIONS.milestoneDone, next.id, 'primary')
          : button('Start', ACTIONS.milestoneStart, next.id, 'primary'),
        button('Open account', ACTIONS.accountOpen, v.accountId),
      ],
    });
  }
  return { text: `${n(v.name)}: ${m ? n(m.name) : 'milestone'} done`, blocks };
}

export type MilestoneReply =
  | {
      outcome:
        | 'completed'
        | 'already done'
        | 'started'
        | 'already started'
        | 'skipped'
        | 'already skipped'
        | 'skipped milestone'
        | 'go-live kept';
    }
  | { outcome: 'not found' }
  | { outcome: 'not yours'; csmUserId: string | null };

/** The answer to a change, to whoever asked (command, button): what happened and where it was posted. */
export function milestoneReply(
  r: MilestoneReply,
  v: ProgressView | undefined,
  milestoneName: string,
): SlackMessage {
  const what = `*${n(milestoneName)}*`;
  const account = v ? `*${n(v.name)}*` : 'the account';
  switch (r.outcome) {
    case 'completed': {
      const where = v?.customerChannelId
        ? `Thread is posting the progress to <#${v.customerChannelId}>`
        : 'No customer channel to post in yet: link one with `/thread channel #channel <account>`';
      return text(`✅ ${what} is done for ${account}. ${where}.\n${v ? progressBar(v) : ''}`.trim());
    }
    case 'already done':
      return text(`${what} was already done for ${account}: nothing posted again.`);
    case 'started':
      return text(`🔄 ${what} is in progress for ${account}.`);
    case 'already started':
      return text(`${what} was already in progress for ${account}.`);
    case 'skipped': {
      const next = v ? upNext(v)[0] : undefined;
      return text(
        `⏭️ ${what} is skipped for ${account}: it counts as done, and the customer channel is not told.${next ? ` Next: *${n(next.name)}*.` : ''}`,
      );
    }
    case 'already skipped':
      return text(`${what} was already skipped for ${account}.`);
    case 'go-live kept':
      return text(
        `${what} makes ${account} live, so it cannot be skipped: mark it done when the customer is live.`,
      );
    case 'skipped milestone':
      return text(`${what} was skipped for ${account}: start it first if it is needed after all.`);
    case 'not found':
      return text('That milestone is no longer on the account’s plan.');
    case 'not yours':
      return text(
        `Only ${r.csmUserId ? `the account’s CSM (${userMention(r.csmUserId)})` : 'the account’s CSM'} or a Thread admin can change its milestones.`,
      );
  }
}

export function milestoneUsageMessage(): SlackMessage {
  return text(
    'Mark a milestone done: `/thread milestone done <account> <milestone>` — e.g. `/thread milestone done Acme Kickoff call`, or by its number: `/thread milestone done Acme 1`. Start one: `/thread milestone start <account> <milestone>`. One this customer does not need: `/thread milestone skip <account> <milestone>`. See an account’s milestones: `/thread account <account>`.',
  );
}

export function whichMilestoneMessage(
  account: string,
  typed: string,
  names: readonly string[],
): SlackMessage {
  const list = names
    .slice(0, 30)
    .map((x, i) => `${i + 1}. ${n(x)}`)
    .join('\n');
  const lead = typed
    ? `No single milestone of *${n(account)}* matches ${quoteInput(typed)}.`
    : `Which milestone of *${n(account)}*?`;
  return text(`${lead} Its milestones:\n${list}\nName one, or give its number.`);
}
