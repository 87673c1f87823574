/**
 * `/thread channel …` replies and the customer-channel line of the account view. Channel and account
 * names come from Slack and a CRM: escaped and cut like every other name.
 */
import { escapeText, quoteInput, truncate, userMention } from '../mrkdwn.js';
import { text } from './connectors.js';
import type { SlackMessage } from './help.js';

export type ChannelProblemView = 'not_in_channel' | 'archived' | 'not_found';

export interface CustomerChannelView {
  id: string;
  name: string | null;
  shared: boolean;
  problem: ChannelProblemView | null;
}

const NAME_MAX = 120;
const nameOf = (n: string) => truncate(escapeText(n), NAME_MAX);

/** `<#C1>` renders as the channel's current name for everyone who can see it. */
export function channelRef(id: string): string {
  return /^[CG][A-Z0-9]+$/.test(id) ? `<#${id}>` : escapeText(id);
}

const PROBLEM: Record<ChannelProblemView, (c: string) => string> = {
  not_in_channel: (c) =>
    `⚠️ *Error:* Thread is not in ${c}: posts there fail. Invite it back (\`/invite @Thread\`).`,
  archived: (c) => `⚠️ *Error:* ${c} is archived: posts there fail. Unarchive it or link another channel.`,
  not_found: (c) => `⚠️ *Error:* ${c} no longer exists or Thread cannot see it. Link another channel.`,
};

export function customerChannelLine(c: CustomerChannelView | null): string {
  if (!c)
    return '*Customer channel:* none yet — `/thread channel #channel <account>` or `/thread channel create <account>`';
  const ref = channelRef(c.id);
  const line = `*Customer channel:* ${ref}${c.shared ? ' (Slack Connect)' : ''}`;
  return c.problem ? `${line}\n${PROBLEM[c.problem](ref)}` : line;
}

export interface LinkedView {
  account: string;
  channelId: string;
  shared: boolean;
  joined: boolean;
  previous: string | null;
}

export function linkedMessage(l: LinkedView): SlackMessage {
  const parts = [
    `${channelRef(l.channelId)} is now the customer channel of *${nameOf(l.account)}*${l.shared ? ' — a Slack Connect channel: replies and reactions from the customer’s people count as engagement' : ''}.`,
  ];
  if (l.joined) parts.push('Thread joined it to post there.');
  if (l.previous) parts.push(`It replaces ${channelRef(l.previous)}.`);
  return text(parts.join(' '));
}

export function alreadyLinkedMessage(account: string, channelId: string): SlackMessage {
  return text(`${channelRef(channelId)} already is the customer channel of *${nameOf(account)}*.`);
}

export function channelTakenMessage(channelId: string, by: string): SlackMessage {
  return text(
    `${channelRef(channelId)} is already the customer channel of *${nameOf(by)}*: one channel per account. Pick another channel, or create one with \`/thread channel create <account>\`.`,
  );
}

export function notVisibleMessage(): SlackMessage {
  return text(
    'I can’t see that channel. If it is private, invite Thread to it first (`/invite @Thread` in the channel), then link it again.',
  );
}

export function inviteFirstMessage(channelId: string): SlackMessage {
  return text(
    `${channelRef(channelId)} is private, so Thread can’t join it by itself. Type \`/invite @Thread\` in the channel, then link it again.`,
  );
}

export function archivedMessage(channelId: string): SlackMessage {
  return text(
    `${channelRef(channelId)} is archived: Thread can’t post there. Unarchive it or pick another channel.`,
  );
}

export function slackRefusedMessage(what: string, error: string): SlackMessage {
  return text(`Slack refused to ${what} (\`${escapeText(error)}\`). Try again, or ask a workspace admin.`);
}

export interface CreatedView {
  account: string;
  channelId: string;
  name: string;
  invites: {
    who: string;
    outcome: 'invited' | 'already in' | 'not in workspace' | 'failed';
    userId?: string;
  }[];
}

export function createdMessage(c: CreatedView): SlackMessage {
  const invites = c.invites.map((i) => {
    const person = i.userId ? `${userMention(i.userId)} (${i.who})` : `the ${i.who}`;
    switch (i.outcome) {
      case 'invited':
        return `${person} invited`;
      case 'already in':
        return `${person} already in`;
      case 'not in workspace':
        return `${i.who === 'AE' && !i.userId ? 'the AE’s email matches no one in this workspace' : `${person} is not in this workspace`}, not invited`;
      default:
        return `${person} could not be invited — invite them by hand`;
    }
  });
  const said = invites.join('; ');
  const who = said ? ` ${said[0]!.toUpperCase()}${said.slice(1)}.` : ' No CSM or AE to invite yet.';
  return text(`Created ${channelRef(c.channelId)} for *${nameOf(c.account)}*.${who}`);
}

export function hasChannelMessage(account: string, channelId: string): SlackMessage {
  return text(
    `*${nameOf(account)}* already has ${channelRef(channelId)}. To use another channel, link it: \`/thread channel #channel ${truncate(escapeText(account), 60)}\`.`,
  );
}

export function namesTakenMessage(tried: readonly string[]): SlackMessage {
  return text(
    `Every name I tried is taken (${tried.map((t) => `\`${escapeText(t)}\``).join(', ')}). Create the channel yourself and link it with \`/thread channel #channel <account>\`, or change the naming rule: \`/thread channel naming customer-{account}\`.`,
  );
}

export function channelUsageMessage(nameRule: string): SlackMessage {
  return text(
    [
      '*Customer channels*',
      '• `/thread channel #acme-onboarding Acme` — link an existing channel (Slack Connect channels too)',
      '• `/thread channel create Acme` — create one and invite the CSM and the AE',
      `• \`/thread channel naming <rule>\` — how created channels are named (now \`${escapeText(nameRule)}\`; \`{account}\` is the account’s name)`,
    ].join('\n'),
  );
}

export function badRuleMessage(rule: string): SlackMessage {
  return text(
    `${quoteInput(rule)} can’t name channels: a rule must contain \`{account}\` and fit Slack’s 80 characters, like \`/thread channel naming onboarding-{account}\`.`,
  );
}

export function ruleSetMessage(rule: string, example: string): SlackMessage {
  return text(
    `Channels Thread creates will be named by \`${escapeText(rule)}\` — e.g. \`#${escapeText(example)}\`.`,
  );
}

export function noSuchAccountMessage(typed: string, suggestion: string | undefined): SlackMessage {
  return text(
    `No account matches ${quoteInput(typed)}.${suggestion ? ` Did you mean *${nameOf(suggestion)}*?` : ''} \`/thread accounts\` lists them all.`,
  );
}

export function notYoursMessage(account: string, helpers: string): SlackMessage {
  return text(
    `Sorry — only the CSM of *${nameOf(account)}*, workspace admins and Thread admins can change its customer channel. ${helpers}.`,
  );
}
