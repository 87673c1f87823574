import { connectLink } from '../../../domain/connections/connect.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { NotConfiguredError } from '../../../providers/oauth/endpoints.js';
import { connectLinkMessage, refusalMessage, text } from '../../../views/messages/connectors.js';
import { quoteInput } from '../../../views/mrkdwn.js';
import { parseProvider } from '../provider-arg.js';
import type { Subcommand } from './subcommand.js';

/** `/thread connect <provider> [sandbox]` and `/thread reconnect <provider>`: an OAuth link, for admins. */
export function connectCommand(reconnect: boolean): Subcommand {
  const verb = reconnect ? 'reconnect' : 'connect';
  return {
    name: verb,
    usage: `${verb} <provider>${reconnect ? '' : ' [sandbox]'}`,
    summary: reconnect
      ? 'A fresh sign-in for a connector that needs attention.'
      : 'Connect HubSpot, Salesforce (add `sandbox` for a sandbox org), Notion, Google, Microsoft, Gong or Zoom.',
    example: reconnect ? '/thread reconnect hubspot' : '/thread connect salesforce',
    async run({ services, args, teamId, userId }) {
      const parsed = parseProvider(args[0], verb);
      if ('problem' in parsed) return text(parsed.problem);
      const { def } = parsed;
      if (!(await canManage(services, teamId, userId))) {
        return refusalMessage(`${verb} ${def.name}`, whoCanHelp(await threadAdmins(services, teamId)));
      }
      const environments = Object.keys(def.oauth.environments ?? {});
      const environment = args[1]?.toLowerCase();
      if (environment && !environments.includes(environment)) {
        return text(
          environments.length
            ? `${def.name} sign-in can be ${environments.map((e) => `\`${e}\``).join(' or ')}.`
            : `${def.name} has no ${quoteInput(args[1]!, 20)} option: use \`/thread ${verb} ${def.id}\`.`,
        );
      }
      try {
        const url = await connectLink(services, def, {
          teamId,
          userId,
          environment: environment ?? environments[0],
        });
        return connectLinkMessage(def, url, { reconnect, environment });
      } catch (err) {
        if (err instanceof NotConfiguredError) return text(err.message);
        throw err;
      }
    },
  };
}
