import { dashboardRows } from '../../../domain/connections/dashboard.js';
import { statusMessage } from '../../../views/messages/connectors.js';
import type { Subcommand } from './subcommand.js';

export const statusCommand: Subcommand = {
  name: 'status',
  usage: 'status',
  summary: 'Every connector: status, account, who connected it, last success, last error.',
  example: '/thread status',
  run: async ({ services, teamId }) => statusMessage(await dashboardRows(services.db, teamId)),
};
