import { activeConnection } from '../../../domain/connections/find.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import { disconnectModal } from '../../../views/modals/connectors.js';
import { parseProvider } from '../provider-arg.js';
import type { Subcommand } from './subcommand.js';

/** `/thread disconnect <provider>`: asks for confirmation in a modal; the modal's submit does it. */
export const disconnectCommand: Subcommand = {
  name: 'disconnect',
  usage: 'disconnect <provider>',
  summary: 'Revoke Thread’s access to a connector and delete its tokens (asks to confirm).',
  example: '/thread disconnect notion',
  async run({ services, args, teamId, userId, client, command }) {
    const parsed = parseProvider(args[0], 'disconnect');
    if ('problem' in parsed) return text(parsed.problem);
    const { def } = parsed;
    if (!(await canManage(services, teamId, userId))) {
      return refusalMessage(`disconnect ${def.name}`, whoCanHelp(await threadAdmins(services, teamId)));
    }
    const connection = await activeConnection(services.db, teamId, def.id);
    if (!connection) return text(`${def.name} is not connected.`);
    await client.views.open({
      trigger_id: command.trigger_id,
      view: disconnectModal(def, connection.external_account_label ?? undefined),
    });
    return undefined;
  },
};
