import {
  addThreadAdmin,
  canManage,
  removeThreadAdmin,
  threadAdmins,
  whoCanHelp,
} from '../../../domain/connections/permissions.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import { mentionedUser } from '../people.js';
import type { Subcommand } from './subcommand.js';

export const adminsCommand: Subcommand = {
  name: 'admins',
  usage: 'admins [list | add @person | remove @person]',
  summary: 'Who besides workspace admins may connect and disconnect tools.',
  example: '/thread admins add @dana',
  async run({ services, args, teamId, userId }) {
    const [action = 'list', who] = args;
    if (action === 'list') {
      const admins = await threadAdmins(services, teamId);
      return text(
        admins.length
          ? `Thread admins: ${admins.map((u) => `<@${u}>`).join(', ')} — plus every workspace admin and owner.`
          : 'No Thread admins yet: workspace admins and owners manage connectors. Add one with `/thread admins add @person`.',
      );
    }
    if (action !== 'add' && action !== 'remove')
      return text('Use `/thread admins list`, `add @person` or `remove @person`.');
    const target = mentionedUser(who);
    if (!target) return text(`Mention the person: \`/thread admins ${action} @dana\`.`);
    if (!(await canManage(services, teamId, userId))) {
      return refusalMessage('change Thread admins', whoCanHelp(await threadAdmins(services, teamId)));
    }
    if (action === 'add') {
      await addThreadAdmin(services, teamId, target, userId);
      return text(`<@${target}> is now a Thread admin and can connect and disconnect tools.`);
    }
    return text(
      (await removeThreadAdmin(services, teamId, target))
        ? `<@${target}> is no longer a Thread admin.`
        : `<@${target}> was not a Thread admin.`,
    );
  },
};
