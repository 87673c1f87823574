/** `/thread broadcast` (managers): opens the broadcast modal; the submission is listeners/slack/views/broadcast. */
import { broadcastTargets } from '../../../domain/broadcast/broadcast.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import { broadcastModal } from '../../../views/modals/broadcast.js';
import type { Subcommand } from './subcommand.js';

export const broadcastCommand: Subcommand = {
  name: 'broadcast',
  usage: 'broadcast',
  summary: 'Post one message in every customer channel, or those of accounts in chosen stages (managers).',
  example: '/thread broadcast',
  async run({ services, teamId, userId, client, command }) {
    if (!(await canManage(services, teamId, userId))) {
      return refusalMessage(
        'broadcast to customer channels',
        whoCanHelp(await threadAdmins(services, teamId)),
        '/thread accounts',
      );
    }
    const count = (await broadcastTargets(services, teamId, null)).length;
    if (!count) {
      return text(
        'No account has a customer channel yet, so there is no one to broadcast to. Link one: `/thread channel #channel <account>`.',
      );
    }
    await client.views.open({ trigger_id: command.trigger_id, view: broadcastModal(count) });
    return undefined;
  },
};
