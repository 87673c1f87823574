/**
 * `/thread accounts`, `/thread account <name>` and `/thread csm list`. Pure: view-shaped data in, Block
 * Kit out. Account names, AE names and emails come from a CRM, so every one is escaped and cut to a
 * length that keeps the message inside Block Kit's limits however long the CRM's text is.
 */
import type { KnownBlock } from '@slack/types';
import { escapeText, quoteInput, slackDate, truncate, userMention } from '../mrkdwn.js';
import { packed, section } from '../sections.js';
import { type CustomerChannelView, customerChannelLine } from './channels.js';
import { text } from './connectors.js';
import { type EngagementView, engagementLine } from './engagement.js';
import type { SlackMessage } from './help.js';

export type StageName = 'new' | 'onboarding' | 'live' | 'closed';
export type MilestoneState = 'pending' | 'in_progress' | 'done' | 'skipped';

export interface AccountLine {
  name: string;
  stage: StageName;
  csmUserId: string | null;
  done: number;
  total: number;
}

export interface AccountView extends AccountLine {
  source: string;
  domain: string | null;
  amount: string | null;
  currency: string | null;
  closeDate: string | null;
  aeName: string | null;
  aeEmail: string | null;
  template: { name: string; version: number } | null;
  /** `id` where the view offers buttons on them (the account modal). */
  milestones: { id?: string; name: string; dueDate: string; status: MilestoneState; goLive?: boolean }[];
  /** Absent: not looked up (lists); null: the account has none yet. */
  customerChannel?: CustomerChannelView | null;
  engagement?: EngagementView;
  /** The account's latest handoff run; absent = none recorded. */
  lastRun?: LastRunView | null;
  /** The last CRM change Thread could not follow, in words (a CSM not in the pool, an unknown stage). */
  crmNote?: string | null;
  /** The last write to the CRM that did not go through, in words. */
  crmWriteProblem?: string | null;
}

export interface LastRunView {
  status: 'running' | 'completed' | 'failed';
  /** When it last moved (finished, failed, or its last attempt). */
  at: Date;
  /** The step that failed (for a failed run) or whose last attempt failed (for a running one). */
  failedStep?: string;
  reason?: string;
}

export interface CsmLine {
  userId: string;
  capacity: number;
  open: number;
}

const STAGE: Record<StageName, string> = {
  new: 'New — no onboarding plan yet',
  onboarding: 'Onboarding',
  live: 'Live',
  closed: 'Closed',
};

const MILESTONE: Record<MilestoneState, string> = {
  pending: '⬜ to do',
  in_progress: '🔄 in progress',
  done: '✅ done',
  skipped: '⏭️ skipped',
};

const SOURCE: Record<string, string> = {
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  notion: 'Notion',
  manual: 'added by hand',
};

/** A name longer than this is cut in lists: a line per account must stay readable. */
const NAME_MAX = 120;

function name(n: string): string {
  return truncate(escapeText(n), NAME_MAX);
}

function csm(userId: string | null): string {
  return userId ? userMention(userId) : 'no CSM yet';
}

function progress(a: AccountLine): string {
  return a.total ? `${a.done}/${a.total} milestones` : 'no milestones';
}

export function accountsMessage(accounts: readonly AccountLine[]): SlackMessage {
  if (!accounts.length) {
    return {
      text: 'No accounts yet',
      blocks: [
        section(
          '*No accounts yet.* An account appears here when a deal closes in a connected CRM and Thread starts its onboarding.',
        ),
      ],
    };
  }
  const lines = accounts.map(
    (a) => `• *${name(a.name)}* — ${STAGE[a.stage]} · ${csm(a.csmUserId)} · ${progress(a)}`,
  );
  const title = `Accounts (${accounts.length})`;
  return {
    text: title,
    blocks: [
      section(`*${title}* — open ones first. Details: \`/thread account <name>\``),
      ...packed(lines, (left) => `…and ${left} more.`),
    ],
  };
}

/** The account's name and facts: the top of `/thread account` and of the account view in App Home. */
export function accountHeadBlocks(a: AccountView): KnownBlock[] {
  const ae = [a.aeName && escapeText(a.aeName), a.aeEmail && `(${escapeText(a.aeEmail)})`]
    .filter(Boolean)
    .join(' ');
  const facts = [
    `*Stage:* ${STAGE[a.stage]}`,
    `*CSM:* ${csm(a.csmUserId)}`,
    `*Amount:* ${money(a.amount, a.currency)}`,
    `*Close date:* ${a.closeDate ? day(a.closeDate) : 'not set'}`,
    `*AE:* ${truncate(ae, 300) || 'not set'}`,
    `*Domain:* ${a.domain ? truncate(escapeText(a.domain), 200) : 'not set'}`,
    `*Template:* ${a.template ? `${name(a.template.name)}, version ${a.template.version}` : 'none applied yet'}`,
    `*From:* ${SOURCE[a.source] ?? escapeText(a.source)}`,
    ...channelLines(a),
  ];
  if (a.lastRun) facts.push(`*Last run:* ${lastRunLine(a.lastRun)}`);
  if (a.crmNote) facts.push(`*Not followed from the CRM:* ${truncate(escapeText(a.crmNote), 500)}`);
  if (a.crmWriteProblem) {
    facts.push(`⚠️ *Not written to the CRM:* ${truncate(escapeText(a.crmWriteProblem), 500)}`);
  }
  return [section(`*${name(a.name)}*`), section(facts.join('\n'))];
}

/** One milestone as a line: its state, name and due date. */
export function milestoneLine(m: AccountView['milestones'][number]): string {
  return `${MILESTONE[m.status]} — *${name(m.name)}* · due ${day(m.dueDate)}`;
}

export function accountMessage(a: AccountView): SlackMessage {
  const milestones = a.milestones.map(milestoneLine);
  return {
    text: `Account ${name(a.name)}`,
    blocks: [
      ...accountHeadBlocks(a),
      ...(milestones.length
        ? [
            section(
              `*Milestones* (${progress(a)}) — mark one done: \`/thread milestone done <account> <milestone>\``,
            ),
            ...packed(milestones, (left) => `…and ${left} more.`),
          ]
        : []),
    ],
  };
}

/** The customer channel (with its Error, if Thread cannot post there) and the customer's engagement. */
function channelLines(a: AccountView): string[] {
  if (a.customerChannel === undefined) return [];
  return [
    customerChannelLine(a.customerChannel),
    ...(a.customerChannel && a.engagement ? [engagementLine(a.engagement)] : []),
  ];
}

/** One line about a handoff run: its state, when, and what failed and why. */
export function lastRunLine(r: LastRunView): string {
  const when = slackDate(r.at);
  const why = r.failedStep
    ? ` at *${escapeText(r.failedStep)}*${r.reason ? `: ${truncate(escapeText(r.reason), 600)}` : ''}`
    : '';
  if (r.status === 'completed') return `✅ Completed ${when}`;
  if (r.status === 'failed') {
    return `❌ Failed ${when}${why}. An admin can retry it from App Home → Workflows.`;
  }
  return r.failedStep ? `🔄 Retrying (last try ${when} failed${why})` : `🔄 Running since ${when}`;
}

export function noAccountMessage(typed: string): SlackMessage {
  return text(`No account matches ${quoteInput(typed)}. \`/thread accounts\` lists them all.`);
}

export function severalAccountsMessage(typed: string, names: readonly string[], total: number): SlackMessage {
  const more = total > names.length ? `, and ${total - names.length} more` : '';
  return text(
    `${total} accounts match ${quoteInput(typed)}: ${names.map((n) => `*${name(n)}*`).join(', ')}${more}. Type more of the name.`,
  );
}

export function csmPoolMessage(pool: readonly CsmLine[]): SlackMessage {
  if (!pool.length) {
    return text(
      '*No CSMs in the pool yet*, so new accounts wait unassigned. Add one: `/thread csm add @dana 8`.',
    );
  }
  const lines = pool.map(
    (p) =>
      `• ${userMention(p.userId)} — ${p.open}/${p.capacity} open accounts${p.open >= p.capacity ? ' (full)' : ''}`,
  );
  return {
    text: 'CSM pool',
    blocks: [
      section(
        '*CSM pool* — new accounts go to whoever was assigned least recently and has room (open accounts below capacity).',
      ),
      ...packed(lines, (left) => `…and ${left} more.`),
    ],
  };
}

/** "Dec 1, 2026": a calendar day, the same for every reader (no time zone shifts it). */
export function day(isoDay: string): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return escapeText(isoDay);
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

export function money(amount: string | null, currency: string | null): string {
  if (amount === null) return 'not set';
  const value = Number(amount);
  if (!Number.isFinite(value)) return escapeText(amount);
  try {
    if (currency)
      return value.toLocaleString('en-US', { style: 'currency', currency, maximumFractionDigits: 2 });
  } catch {
    // Not an ISO currency code the CRM sent: show the number and the code as given.
  }
  const n = value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return currency ? `${n} ${truncate(escapeText(currency), 10)}` : n;
}
