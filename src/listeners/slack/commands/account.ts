import { findAccount } from '../../../domain/accounts/overview.js';
import {
  accountMessage,
  noAccountMessage,
  severalAccountsMessage,
} from '../../../views/messages/accounts.js';
import { text } from '../../../views/messages/connectors.js';
import { asTyped } from '../../../views/mrkdwn.js';
import type { Subcommand } from './subcommand.js';

export const accountCommand: Subcommand = {
  name: 'account',
  usage: 'account <name>',
  summary:
    'One account in full: amount, close date, AE, CSM, template, milestones, and its last run (what failed and why).',
  example: '/thread account Acme',
  async run({ services, teamId, command }) {
    // The name as typed, spaces and all: everything after the word "account".
    const raw = command.text.trim().replace(/^\S+\s*/, '');
    if (!raw)
      return text(
        'Which account? Give its name, like `/thread account Acme`. `/thread accounts` lists them.',
      );
    const found = await findAccount(services.db, teamId, asTyped(raw));
    // Echoed through quoteInput, which takes Slack's escaped text as it came.
    if (found.found === 'none') return noAccountMessage(raw);
    if (found.found === 'several') return severalAccountsMessage(raw, found.names, found.total);
    return accountMessage(found.account);
  },
};
