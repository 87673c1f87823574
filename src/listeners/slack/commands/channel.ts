/**
 * `/thread channel #channel <account>` links an existing channel, `/thread channel create <account>`
 * creates one by the team's naming rule, `/thread channel naming <rule>` sets that rule and
 * `/thread channel silent <days>` the days of customer silence that flag an account (managers).
 * Linking and creating are for managers and the account's own CSM.
 */

import { mayWorkOn } from '../../../domain/accounts/permission.js';
import { accountNamed, type NamedAccount } from '../../../domain/channels/accounts.js';
import { createChannel } from '../../../domain/channels/create.js';
import { linkChannel } from '../../../domain/channels/link.js';
import { channelName, validRule } from '../../../domain/channels/names.js';
import { channelSettings, setNameRule, setSilentDays } from '../../../domain/channels/settings.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { severalAccountsMessage } from '../../../views/messages/accounts.js';
import {
  alreadyLinkedMessage,
  archivedMessage,
  badRuleMessage,
  channelTakenMessage,
  channelUsageMessage,
  createdMessage,
  hasChannelMessage,
  inviteFirstMessage,
  linkedMessage,
  namesTakenMessage,
  noSuchAccountMessage,
  notVisibleMessage,
  notYoursMessage,
  ruleSetMessage,
  slackRefusedMessage,
} from '../../../views/messages/channels.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import type { SlackMessage } from '../../../views/messages/help.js';
import { asTyped } from '../../../views/mrkdwn.js';
import type { CommandContext, Subcommand } from './subcommand.js';

/** Slack escapes a channel named in command text as <#C123|name> (should_escape in the manifest). */
const CHANNEL = /^<#([CG][A-Z0-9]+)(\|[^>]*)?>$/;

/** The command text after its first `n` words, spaces inside kept (account names have spaces). */
function rest(commandText: string, n: number): string {
  let t = commandText.trim();
  for (let i = 0; i < n; i++) t = t.replace(/^\S+\s*/, '');
  return t.trim();
}

/** The account named, if this person may change its channel; else the answer to give them. */
async function named(ctx: CommandContext, typed: string): Promise<{ account: NamedAccount } | SlackMessage> {
  if (!typed) return text('Which account? Give its name, like `/thread channel create Acme`.');
  const found = await accountNamed(ctx.services.db, ctx.teamId, asTyped(typed));
  if (found.found === 'none') return noSuchAccountMessage(typed, found.suggestion);
  if (found.found === 'several') return severalAccountsMessage(typed, found.names, found.total);
  if (!(await mayWorkOn(ctx.services, ctx.teamId, ctx.userId, found.account))) {
    return notYoursMessage(found.account.name, whoCanHelp(await threadAdmins(ctx.services, ctx.teamId)));
  }
  return { account: found.account };
}

export const channelCommand: Subcommand = {
  name: 'channel',
  usage: 'channel [#channel <account> | create <account> | naming <rule> | silent <days>]',
  summary: 'Link an account’s customer channel (Slack Connect too) or create one and invite the CSM and AE.',
  example: '/thread channel #acme-onboarding Acme',
  async run(ctx) {
    const { services, teamId, userId, args, command } = ctx;
    const [first] = args;
    if (!first) return channelUsageMessage((await channelSettings(services.db, teamId)).nameRule);
    const verb = first.toLowerCase();

    if (verb === 'naming') {
      if (!(await canManage(services, teamId, userId))) {
        return refusalMessage(
          'change how customer channels are named',
          whoCanHelp(await threadAdmins(services, teamId)),
        );
      }
      const rule = asTyped(rest(command.text, 2));
      if (!validRule(rule)) return badRuleMessage(rest(command.text, 2));
      await setNameRule(services.db, teamId, rule, userId);
      return ruleSetMessage(rule, channelName(rule, 'Acme Corp'));
    }

    if (verb === 'silent') {
      if (!(await canManage(services, teamId, userId))) {
        return refusalMessage(
          'change when accounts count as silent',
          whoCanHelp(await threadAdmins(services, teamId)),
        );
      }
      const days = Number(args[1]);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        return text(
          `An account is flagged on its CSM’s Home after *${(await channelSettings(services.db, teamId)).silentDays} days* without a reaction or reply from the customer. Change it with a whole number of days from 1 to 365: \`/thread channel silent 10\`.`,
        );
      }
      await setSilentDays(services.db, teamId, days, userId);
      return text(
        `Done: an account is now flagged on its CSM’s Home after *${days} day${days === 1 ? '' : 's'}* without a reaction or reply from the customer.`,
      );
    }

    if (verb === 'create') {
      const found = await named(ctx, rest(command.text, 2));
      if (!('account' in found)) return found;
      const r = await createChannel(services, teamId, found.account);
      switch (r.outcome) {
        case 'created':
          return createdMessage({
            account: found.account.name,
            channelId: r.channel.id,
            name: r.channel.name,
            invites: r.invites,
          });
        case 'has channel':
          return hasChannelMessage(found.account.name, r.channelId);
        case 'names taken':
          return namesTakenMessage(r.tried);
        default:
          return slackRefusedMessage('create the channel', r.error);
      }
    }

    const channelId = first.match(CHANNEL)?.[1];
    if (!channelId) {
      return text(
        'Pick the channel from the # menu, then the account: `/thread channel #acme-onboarding Acme`. Or `/thread channel create Acme`.',
      );
    }
    const found = await named(ctx, rest(command.text, 2));
    if (!('account' in found)) return found;
    const r = await linkChannel(services, teamId, found.account, channelId);
    switch (r.outcome) {
      case 'linked':
        return linkedMessage({
          account: found.account.name,
          channelId,
          shared: r.channel.shared,
          joined: r.joined,
          previous: r.previous,
        });
      case 'already linked':
        return alreadyLinkedMessage(found.account.name, channelId);
      case 'taken':
        return channelTakenMessage(channelId, r.by);
      case 'not visible':
        return notVisibleMessage();
      case 'invite first':
        return inviteFirstMessage(channelId);
      case 'archived':
        return archivedMessage(channelId);
      default:
        return slackRefusedMessage('let Thread use that channel', r.error);
    }
  },
};
