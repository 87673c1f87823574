import { canManage } from '../../../domain/connections/permissions.js';
import { testConnection } from '../../../domain/connections/test-connection.js';
import { testResultMessage, text } from '../../../views/messages/connectors.js';
import { parseProvider } from '../provider-arg.js';
import type { Subcommand } from './subcommand.js';

export const testCommand: Subcommand = {
  name: 'test',
  usage: 'test <provider>',
  summary: 'Check a connector works: a quick read at the provider, with how long it took.',
  example: '/thread test hubspot',
  async run({ services, args, teamId, userId }) {
    const parsed = parseProvider(args[0], 'test');
    if ('problem' in parsed) return text(parsed.problem);
    const result = await testConnection(services, teamId, parsed.def.id);
    if ('notConnected' in result)
      return text(
        `${parsed.def.name} is not connected. Connect it with \`/thread connect ${parsed.def.id}\`.`,
      );
    return testResultMessage(parsed.def, result, {
      providerWords: await canManage(services, teamId, userId),
    });
  },
};
