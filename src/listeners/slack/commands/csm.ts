import { addCsm, csmPool, DEFAULT_CAPACITY, removeCsm } from '../../../domain/accounts/csm-pool.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { csmPoolMessage } from '../../../views/messages/accounts.js';
import { refusalMessage, text } from '../../../views/messages/connectors.js';
import { quoteInput } from '../../../views/mrkdwn.js';
import { isActivePerson, mentionedUser } from '../people.js';
import type { Subcommand } from './subcommand.js';

/** More open onboardings than this for one person is a typo, not a plan. */
const MAX_CAPACITY = 500;

export const csmCommand: Subcommand = {
  name: 'csm',
  usage: 'csm [list | add @person [capacity] | remove @person]',
  summary: `Who takes new accounts, round-robin, and how many open accounts each may carry (default ${DEFAULT_CAPACITY}).`,
  example: '/thread csm add @dana 8',
  async run({ services, args, teamId, userId, client }) {
    const [action = 'list', who, capacityWord, ...extra] = args;
    const verb = action.toLowerCase();
    if (verb === 'list') return csmPoolMessage(await csmPool(services.db, teamId));
    if (verb !== 'add' && verb !== 'remove') {
      return text(
        `I don't know ${quoteInput(action)} here. Use \`/thread csm list\`, \`add @person [capacity]\` or \`remove @person\`.`,
      );
    }
    if (!(await canManage(services, teamId, userId))) {
      return refusalMessage(
        'change the CSM pool',
        whoCanHelp(await threadAdmins(services, teamId)),
        '/thread csm list',
      );
    }
    const target = mentionedUser(who);
    if (!target) {
      return text(
        who
          ? `I can't tell who ${quoteInput(who)} is. Pick the person from the @ menu: \`/thread csm ${verb} @dana\`.`
          : `Mention the person: \`/thread csm ${verb} @dana\`.`,
      );
    }
    if (verb === 'remove') {
      return text(
        (await removeCsm(services.db, teamId, target))
          ? `<@${target}> is out of the CSM pool: new accounts no longer go to them. Accounts they already have stay theirs.`
          : `<@${target}> was not in the CSM pool.`,
      );
    }
    const capacity = capacityWord === undefined ? DEFAULT_CAPACITY : Number(capacityWord);
    if (extra.length || !Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      return text(
        `Capacity is how many open accounts <@${target}> may carry: a whole number from 1 to ${MAX_CAPACITY}, like \`/thread csm add @dana 8\` — not ${quoteInput([capacityWord, ...extra].join(' '))}.`,
      );
    }
    if (!(await isActivePerson(client, target))) {
      return text(
        `I can't find <@${target}> among the people of this workspace, so they can't take accounts.`,
      );
    }
    const { added } = await addCsm(services.db, teamId, target, capacity, userId);
    return text(
      added
        ? `<@${target}> is in the CSM pool and will take new accounts, up to ${capacity} open at a time.`
        : `<@${target}> can now carry up to ${capacity} open account${capacity === 1 ? '' : 's'}.`,
    );
  },
};
