import { accountSummaries } from '../../../domain/accounts/overview.js';
import { accountsMessage } from '../../../views/messages/accounts.js';
import type { Subcommand } from './subcommand.js';

export const accountsCommand: Subcommand = {
  name: 'accounts',
  usage: 'accounts',
  summary: 'Every account: stage, CSM and milestone progress.',
  example: '/thread accounts',
  run: async ({ services, teamId }) => accountsMessage(await accountSummaries(services.db, teamId)),
};
