/**
 * `/thread milestone done|start|skip <account> <milestone>`.
 * Account and milestone names both have spaces, so the account is the longest leading part of the text
 * that is an account's whole name ("Acme Corp Kickoff call" → Acme Corp + Kickoff call), else the
 * shortest leading part that names one account by a piece of its name ("acme kickoff"); quotes settle
 * it when needed (`"Acme" Kickoff`). The milestone is its name, a piece of it, or its number.
 */
import { sql } from 'kysely';
import { accountNamed, type NamedAccount } from '../../../domain/channels/accounts.js';
import {
  completeMilestone,
  milestoneNamed,
  skipMilestone,
  startMilestone,
} from '../../../domain/milestones/change.js';
import { progressOf } from '../../../domain/milestones/progress.js';
import { severalAccountsMessage } from '../../../views/messages/accounts.js';
import { noSuchAccountMessage } from '../../../views/messages/channels.js';
import type { SlackMessage } from '../../../views/messages/help.js';
import {
  milestoneReply,
  milestoneUsageMessage,
  whichMilestoneMessage,
} from '../../../views/messages/milestones.js';
import { asTyped } from '../../../views/mrkdwn.js';
import type { CommandContext, Subcommand } from './subcommand.js';

const VERBS = {
  done: completeMilestone,
  complete: completeMilestone,
  start: startMilestone,
  skip: skipMilestone,
} as const;

export const milestoneCommand: Subcommand = {
  name: 'milestone',
  usage: 'milestone done|start|skip <account> <milestone>',
  summary:
    'Complete, start or skip an account’s milestone: the customer channel gets the progress update, the CRM follows.',
  example: '/thread milestone done Acme Kickoff call',
  async run(ctx) {
    const words = ctx.command.text.trim().split(/\s+/);
    const verb = (words[1] ?? '').toLowerCase();
    const change = VERBS[verb as keyof typeof VERBS];
    // Everything after "milestone <verb>", spaces kept.
    const rest = asTyped(
      ctx.command.text
        .trim()
        .replace(/^\S+\s*/, '')
        .replace(/^\S+\s*/, ''),
    );
    if (!change || !rest) return milestoneUsageMessage();
    const split = await splitAccount(ctx, rest);
    if (!('account' in split)) return split;
    const { account, milestoneTyped } = split;
    const found = await milestoneNamed(ctx.services.db, account.id, milestoneTyped);
    if (found.found !== 'one') return whichMilestoneMessage(account.name, milestoneTyped, found.names);
    const result = await change(ctx.services, { teamId: ctx.teamId, userId: ctx.userId }, found.milestone.id);
    const view = await progressOf(ctx.services.db, ctx.teamId, account.id);
    return milestoneReply(result, view, found.milestone.name);
  },
};

async function splitAccount(
  ctx: CommandContext,
  typed: string,
): Promise<{ account: NamedAccount; milestoneTyped: string } | SlackMessage> {
  const quoted = typed.match(/^["“]([^"”]+)["”]\s*(.*)$/);
  if (quoted) {
    const found = await accountNamed(ctx.services.db, ctx.teamId, quoted[1]!);
    if (found.found === 'one') return { account: found.account, milestoneTyped: quoted[2]!.trim() };
    return found.found === 'none'
      ? noSuchAccountMessage(quoted[1]!, found.suggestion)
      : severalAccountsMessage(quoted[1]!, found.names, found.total);
  }
  // Whole names the text starts with (followed by a space or the end), the longest first: one query.
  const lower = typed.toLowerCase();
  const whole = await ctx.services.db
    .selectFrom('accounts')
    .select(['id', 'name', 'csm_user_id as csmUserId'])
    .where('team_id', '=', ctx.teamId)
    .where(sql<boolean>`strpos(${lower}, lower(name)) = 1`)
    .orderBy(sql`length(name)`, 'desc')
    .execute();
  for (const a of whole) {
    const after = typed.slice(a.name.length);
    if (after === '' || /^\s/.test(after)) return { account: a, milestoneTyped: after.trim() };
  }
  const words = typed.split(/\s+/);
  let first: Awaited<ReturnType<typeof accountNamed>> | undefined;
  for (let k = 1; k <= words.length; k++) {
    const found = await accountNamed(ctx.services.db, ctx.teamId, words.slice(0, k).join(' '));
    first ??= found;
    if (found.found === 'one') return { account: found.account, milestoneTyped: words.slice(k).join(' ') };
    if (found.found === 'none') break;
  }
  if (first?.found === 'several') return severalAccountsMessage(words[0]!, first.names, first.total);
  return noSuchAccountMessage(words[0]!, first?.found === 'none' ? first.suggestion : undefined);
}
