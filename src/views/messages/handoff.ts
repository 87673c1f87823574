/**
 * The handoff: the post in the team's handoff channel and the DM to the CSM. Pure: view-shaped data in,
 * Block Kit out. Everything from the CRM is escaped and cut (a deal name can hold `<!channel>` or 5,000
 * characters); the deal's name is also shown in a header, whose plain text Slack never formats. A fact the
 * CRM left empty is named as a gap, so the CSM knows what to ask the AE for.
 */
import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';
import type { CompleteHandoffForm } from '../modals/complete-handoff.js';
import { HANDOFF_FIELDS } from '../modals/complete-handoff.js';
import { escapeText, truncate, userMention } from '../mrkdwn.js';
import { packed, section } from '../sections.js';
import { day, money } from './accounts.js';
import type { SlackMessage } from './help.js';

/** The account's recent recorded calls, or why there are none to show. */
export type CallsView =
  | { state: 'not connected' }
  | { state: 'nothing to match' }
  | {
      state: 'loaded';
      sourceName: string;
      matchedBy: string;
      calls: {
        title: string | null;
        startedAt: string;
        durationSeconds: number | null;
        url: string | null;
        participants: { name: string | null; email: string | null }[];
      }[];
    }
  | { state: 'failed'; sourceName: string; reason: string };

/** Whether the AE was asked in Slack to complete the handoff. */
export type AeAskView =
  | { state: 'no email' }
  | { state: 'not in slack'; email: string }
  | { state: 'asked'; userId: string };

/** What became of the handoff email to the AE. */
export type EmailView =
  | { state: 'off' }
  | { state: 'no address' }
  | { state: 'no provider'; reason: string }
  | { state: 'sent'; via: string }
  | { state: 'maybe sent'; via: string };

export interface HandoffView {
  dealName: string;
  /** The CRM, as people call it ("HubSpot"). */
  sourceName: string;
  dealId: string;
  amount: string | null;
  currency: string | null;
  closeDate: string | null;
  /** The deal owner's id in the CRM (the AE); the owner's name is not fetched yet. */
  ownerId: string | null;
  csm: { userId: string } | { none: true; poolSize: number };
  milestones: { name: string; dueDate: string }[];
  /** Thread's account: the CSM's DM opens it (its milestones' buttons live there). */
  accountId?: string;
  /** The AE as the CRM names them (owner name and email), when it does. */
  ae?: { name: string | null; email: string | null };
  companyName?: string | null;
  domain?: string | null;
  contacts?: { name: string | null; email: string | null; title?: string | null }[];
  notes?: string | null;
  calls?: CallsView;
  aeAsk?: AeAskView;
  email?: EmailView;
}

/** Block Kit: a header's text is at most 150 characters (sections and block counts: see packed). */
const HEADER_MAX = 150;
const MILESTONE_NAME_MAX = 120;
const MAX_MILESTONE_LINES = 40;
/** The fallback text shows in notifications: short. */
const TEXT_MAX = 300;

/** A fact the CRM left empty, in words a CSM can act on. */
function notSet(source: string): string {
  return `not set in ${source}`;
}

function facts(h: HandoffView): string {
  const csm =
    'userId' in h.csm
      ? userMention(h.csm.userId)
      : h.csm.poolSize
        ? 'nobody yet — every CSM in the pool is at capacity'
        : 'nobody yet — the CSM pool is empty (`/thread csm add @person`)';
  return [
    `*Amount:* ${h.amount === null ? notSet(h.sourceName) : money(h.amount, h.currency)}`,
    `*Close date:* ${h.closeDate ? day(h.closeDate) : notSet(h.sourceName)}`,
    `*AE (deal owner):* ${aeLine(h)}`,
    `*CSM:* ${csm}`,
    ...customerLines(h),
  ].join('\n');
}

const NAME_MAX = 80;
const NOTES_MAX = 600;
const MAX_CONTACTS_SHOWN = 5;

/** The AE in Slack when found there, else as the CRM names them, else the CRM's owner id. */
function aeLine(h: HandoffView): string {
  if (h.aeAsk?.state === 'asked') return userMention(h.aeAsk.userId);
  const name = h.ae?.name ? truncate(escapeText(h.ae.name), NAME_MAX) : null;
  const email = h.ae?.email ? truncate(escapeText(h.ae.email), NAME_MAX) : null;
  if (name || email) return name && email ? `${name} (${email})` : (name ?? email)!;
  return h.ownerId ? `${h.sourceName} owner ${truncate(escapeText(h.ownerId), 40)}` : notSet(h.sourceName);
}

function customerLines(h: HandoffView): string[] {
  const lines: string[] = [];
  if (h.companyName || h.domain) {
    const name = h.companyName ? truncate(escapeText(h.companyName), NAME_MAX) : '';
    const domain = h.domain ? truncate(escapeText(h.domain), NAME_MAX) : '';
    lines.push(`*Company:* ${name && domain ? `${name} (${domain})` : name || domain}`);
  }
  if (h.contacts?.length) {
    const shown = h.contacts.slice(0, MAX_CONTACTS_SHOWN).map((c) => person(c.name, c.email, c.title));
    const more = h.contacts.length - shown.length;
    lines.push(`*Contacts:* ${shown.join('; ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (h.notes?.trim()) lines.push(`*Notes:* ${truncate(escapeText(h.notes.trim()), NOTES_MAX)}`);
  return lines;
}

function person(name: string | null, email: string | null, title?: string | null): string {
  const who = truncate(escapeText(name ?? email ?? 'someone'), NAME_MAX);
  const role = title ? `, ${truncate(escapeText(title), NAME_MAX)}` : '';
  const mail = name && email ? ` (${truncate(escapeText(email), NAME_MAX)})` : '';
  return `${who}${role}${mail}`;
}

/** A link Slack can render safely: http(s) only, nothing that ends the `<url|text>` syntax early. */
export function safeUrl(url: string | null): string | null {
  if (!url || url.length > 1000 || /[\s<>|]/.test(url)) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

export function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const CALL_TITLE_MAX = 120;
const PARTICIPANTS_MAX = 200;

/** The recent calls: one line each (title linked to the recording, date, duration, who was on it). */
function callsBlock(h: HandoffView): KnownBlock | undefined {
  const c = h.calls;
  if (!c) return undefined;
  if (c.state === 'not connected')
    return section(
      '*Recent calls:* Gong is not connected, so there is no call context (`/thread connect gong`).',
    );
  if (c.state === 'nothing to match')
    return section('*Recent calls:* the deal names no company domain or contact email to find its calls by.');
  if (c.state === 'failed')
    return section(
      `*Recent calls:* the call context could not be loaded from ${escapeText(c.sourceName)} (${escapeText(c.reason)}).`,
    );
  if (!c.calls.length)
    return section(
      `*Recent calls:* none in ${escapeText(c.sourceName)} with ${truncate(escapeText(c.matchedBy), NAME_MAX)} in the last 90 days.`,
    );
  const lines = c.calls.map((call) => {
    const title = truncate(escapeText(call.title ?? 'Untitled call'), CALL_TITLE_MAX);
    const url = safeUrl(call.url);
    const who = call.participants.map((p) => escapeText(p.name ?? p.email ?? '')).filter(Boolean);
    return [
      `• ${url ? `<${url}|${title}>` : title}`,
      day(call.startedAt.slice(0, 10)),
      duration(call.durationSeconds),
      who.length ? truncate(who.join(', '), PARTICIPANTS_MAX) : null,
    ]
      .filter(Boolean)
      .join(' · ');
  });
  return section(
    [
      `*Recent calls (${escapeText(c.sourceName)}, with ${truncate(escapeText(c.matchedBy), NAME_MAX)}):*`,
      ...lines,
    ].join('\n'),
  );
}

/** What was asked of the AE: the Slack DM and the email. */
function aeStatusBlock(h: HandoffView): KnownBlock | undefined {
  const lines: string[] = [];
  const a = h.aeAsk;
  if (a?.state === 'asked')
    lines.push(`*AE handoff:* ${userMention(a.userId)} was asked in Slack to complete it.`);
  else if (a?.state === 'not in slack')
    lines.push(
      `*AE handoff:* ${truncate(escapeText(a.email), NAME_MAX)} is not in this Slack workspace, so no DM was sent.`,
    );
  else if (a?.state === 'no email')
    lines.push(`*AE handoff:* ${notSet(h.sourceName)} (no AE email), so no DM was sent.`);
  const e = h.email;
  if (e?.state === 'sent') lines.push(`*Email to the AE:* sent through ${escapeText(e.via)}.`);
  else if (e?.state === 'maybe sent')
    lines.push(
      `*Email to the AE:* may not have been sent (${escapeText(e.via)} did not answer); not retried, to avoid a second email.`,
    );
  else if (e?.state === 'no provider') lines.push(`*Email to the AE:* not sent — ${escapeText(e.reason)}.`);
  else if (e?.state === 'no address') lines.push('*Email to the AE:* not sent — the CRM names no AE email.');
  else if (e?.state === 'off') lines.push('*Email to the AE:* off for this workspace.');
  return lines.length ? section(lines.join('\n')) : undefined;
}

/** Packed into as many sections as they need (a long plan outgrows one section's 3,000 characters). */
function milestoneBlocks(h: HandoffView): KnownBlock[] {
  if (!h.milestones.length) return [section('*Milestones:* none (no template was applied)')];
  const shown = h.milestones
    .slice(0, MAX_MILESTONE_LINES)
    .map((m) => `• ${truncate(escapeText(m.name), MILESTONE_NAME_MAX)} — due ${day(m.dueDate)}`);
  const more = h.milestones.length - shown.length;
  const lines = ['*Milestones:*', ...shown, ...(more > 0 ? [`…and ${more} more.`] : [])];
  // 41 short lines fill a few sections: packed's own overflow is never reached, but stays truthful.
  return packed(lines, (left) => `…and ${left} more lines.`);
}

function dealName(h: HandoffView): string {
  return h.dealName.trim() || `${h.sourceName} deal ${h.dealId}`;
}

function message(title: string, intro: string, h: HandoffView): SlackMessage {
  const blocks: KnownBlock[] = [
    // plain_text: `*bold*` stays as typed (emoji: false keeps `:x:` too); Slack decodes the three
    // entities in every text object, so escaping still shows `<!channel>` as written, pinging no one.
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(escapeText(title), HEADER_MAX), emoji: false },
    },
    section(intro),
    section(facts(h)),
    ...[callsBlock(h), aeStatusBlock(h)].filter((b): b is KnownBlock => b !== undefined),
    ...milestoneBlocks(h),
  ];
  return { text: truncate(escapeText(title), TEXT_MAX), blocks };
}

/** The post in the team's handoff channel. */
export function handoffPost(h: HandoffView): SlackMessage {
  const who =
    'userId' in h.csm
      ? `${userMention(h.csm.userId)} takes it from here.`
      : '*No CSM was assigned* (why: below). Someone needs to take it by hand.';
  return message(
    `New customer: ${dealName(h)}`,
    `A deal entered the handoff stage in ${h.sourceName}: onboarding has started. ${who}`,
    h,
  );
}

/** The DM to the assigned CSM. */
export function handoffDm(h: HandoffView): SlackMessage {
  const m = message(
    `Your new account: ${dealName(h)}`,
    `You are the CSM for this new customer from ${h.sourceName}. Their onboarding plan is below: start and complete its milestones from the account view (Open account, or App Home).`,
    h,
  );
  if (!h.accountId) return m;
  const open: KnownBlock = {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open account' },
        action_id: ACTIONS.accountOpen,
        value: h.accountId,
        style: 'primary',
      },
    ],
  };
  return { ...m, blocks: [...(m.blocks ?? []), open] };
}

export interface HandoffSettingsView {
  hubspotStage: string;
  handoffChannelId: string | null;
  enabled: boolean;
}

/** `/thread handoff`: what starts a handoff and where it goes. */
export function handoffSettingsMessage(s: HandoffSettingsView): SlackMessage {
  const channel = s.handoffChannelId
    ? `<#${s.handoffChannelId}>`
    : '_none yet_ — set one with `/thread handoff channel #channel`';
  return {
    text: 'Handoff settings',
    blocks: [
      section(
        [
          `*Handoff* — ${s.enabled ? 'on' : 'off'}: a HubSpot deal entering the stage below creates its account, applies the onboarding template, assigns a CSM, posts the handoff and DMs the CSM.`,
          `*HubSpot stage:* \`${escapeText(s.hubspotStage)}\` (change: \`/thread handoff stage <stage id>\`)`,
          `*Handoff channel:* ${channel}`,
        ].join('\n'),
      ),
    ],
  };
}

/** The DM to the AE: the deal, who takes it, and the button that opens the handoff form. */
export interface AeHandoffView {
  dealName: string;
  sourceName: string;
  csm: { userId: string } | { none: true; poolSize: number };
}

export function aeHandoffDm(v: AeHandoffView & { runId: string }): SlackMessage {
  const name = truncate(escapeText(v.dealName.trim() || 'your deal'), NAME_MAX * 2);
  const csm = 'userId' in v.csm ? `${userMention(v.csm.userId)} is the CSM.` : 'No CSM is assigned yet.';
  return {
    text: truncate(`Complete the handoff for ${name}`, TEXT_MAX),
    blocks: [
      section(
        `*${name}* closed in ${escapeText(v.sourceName)} and moves to customer success. ${csm}\nPlease complete the handoff: the customer's goals, stakeholders, risks and anything promised.`,
      ),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Complete handoff' },
            style: 'primary',
            action_id: ACTIONS.completeHandoff,
            value: v.runId,
          },
        ],
      },
    ],
  };
}

/** To the AE once the handoff went: where it went. */
export function aeHandoffSent(v: {
  dealName: string;
  csmUserId: string | null;
  to: 'csm' | 'channel' | 'nobody';
}): SlackMessage {
  const name = truncate(escapeText(v.dealName.trim() || 'your deal'), NAME_MAX * 2);
  const where =
    v.to === 'csm' && v.csmUserId
      ? `sent to ${userMention(v.csmUserId)}`
      : v.to === 'channel'
        ? 'posted in the handoff channel (no CSM is assigned yet)'
        : 'saved on the account (no CSM is assigned and no handoff channel is set)';
  return {
    text: `Handoff for ${name} ${where}.`,
    blocks: [section(`:white_check_mark: The handoff for *${name}* was ${where}. Thank you!`)],
  };
}

/** The completed handoff, as the CSM receives it: each field quoted as the AE typed it. */
export function completedHandoffMessage(v: {
  dealName: string;
  aeUserId: string;
  csmUserId: string | null;
  form: CompleteHandoffForm;
}): SlackMessage {
  const name = v.dealName.trim() || 'New customer';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(escapeText(`Handoff: ${name}`), HEADER_MAX), emoji: false },
    },
    section(
      `${userMention(v.aeUserId)} completed the handoff${v.csmUserId ? ` for ${userMention(v.csmUserId)}` : ''}.`,
    ),
    ...HANDOFF_FIELDS.map((f) => {
      const value = v.form[f.key].trim();
      // 2,000 characters escaped can grow past a section's 3,000: cut after escaping, never mid-entity.
      return section(`*${f.label}:*\n${value ? truncate(escapeText(value), 2900) : '_not given_'}`);
    }),
  ];
  return { text: truncate(escapeText(`Handoff completed: ${name}`), TEXT_MAX), blocks };
}

/** The handoff email to the AE: subject as plain text, body as HTML with every CRM value escaped. */
export function handoffEmail(h: HandoffView & { askedInSlack: boolean }): { subject: string; html: string } {
  const name = h.dealName.trim() || `${h.sourceName} deal ${h.dealId}`;
  const csm =
    'userId' in h.csm ? 'A CSM has been assigned and has the details in Slack.' : 'No CSM is assigned yet.';
  const how = h.askedInSlack
    ? 'Please complete the handoff in Slack: Thread sent you a DM with a "Complete handoff" button.'
    : 'Please reply with the customer’s goals, stakeholders, risks and anything promised during the sale.';
  const facts = [
    ['Amount', h.amount === null ? 'not set' : `${h.amount}${h.currency ? ` ${h.currency}` : ''}`],
    ['Close date', h.closeDate ?? 'not set'],
    ['Company', [h.companyName, h.domain].filter(Boolean).join(' — ') || 'not set'],
  ];
  const html = [
    `<p>${htmlEscape(`${name} closed in ${h.sourceName} and moves to customer success. ${csm}`)}</p>`,
    `<ul>${facts.map(([k, v]) => `<li><b>${htmlEscape(k!)}:</b> ${htmlEscape(truncate(v!, 500))}</li>`).join('')}</ul>`,
    `<p>${htmlEscape(how)}</p>`,
    '<p>— Thread</p>',
  ].join('\n');
  return { subject: truncate(`Handoff: ${name}`, 150), html };
}

function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
