/**
 * The handoff: the post in the team's handoff channel and the DM to the CSM. Pure: view-shaped data in,
 * Block Kit out. Everything from the CRM is escaped and cut (a deal name can hold `<!channel>` or 5,000
 * characters); the deal's name is also shown in a header, whose plain text Slack never formats. A fact the
 * CRM left empty is named as a gap, so the CSM knows what to ask the AE for.
 */
import type { KnownBlock } from '@slack/types';
import { escapeText, truncate, userMention } from '../mrkdwn.js';
import { day, money, packed, section } from './accounts.js';
import type { SlackMessage } from './help.js';

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
    `*AE (deal owner):* ${h.ownerId ? `${h.sourceName} owner ${truncate(escapeText(h.ownerId), 40)}` : notSet(h.sourceName)}`,
    `*CSM:* ${csm}`,
  ].join('\n');
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
  return message(
    `Your new account: ${dealName(h)}`,
    `You are the CSM for this new customer from ${h.sourceName}. Their onboarding plan is below.`,
    h,
  );
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
