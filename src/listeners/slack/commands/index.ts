/**
 * `/thread <subcommand> …`: parse, route, answer. Ack first (Slack gives us 3 seconds); instant
 * subcommands answer in the ack itself, the rest reply through response_url.
 */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { didYouMean } from '../../../lib/did-you-mean.js';
import { unknownCommandMessage } from '../../../views/messages/help.js';
import { accountCommand } from './account.js';
import { accountsCommand } from './accounts.js';
import { adminsCommand } from './admins.js';
import { broadcastCommand } from './broadcast.js';
import { channelCommand } from './channel.js';
import { connectCommand } from './connect.js';
import { csmCommand } from './csm.js';
import { disconnectCommand } from './disconnect.js';
import { handoffCommand } from './handoff.js';
import { helpCommand } from './help.js';
import { milestoneCommand } from './milestone.js';
import { scheduleCommand } from './schedule.js';
import { statusCommand } from './status.js';
import type { Subcommand } from './subcommand.js';
import { testCommand } from './test.js';

export const SLASH_COMMAND = '/thread';

export function subcommands(): Subcommand[] {
  const list: Subcommand[] = [
    connectCommand(false),
    statusCommand,
    testCommand,
    connectCommand(true),
    disconnectCommand,
    adminsCommand,
    accountsCommand,
    accountCommand,
    milestoneCommand,
    csmCommand,
    handoffCommand,
    scheduleCommand,
    channelCommand,
    broadcastCommand,
  ];
  list.push(helpCommand(() => list));
  return list;
}

export function registerCommands(app: App, services: Services): void {
  const list = subcommands();
  const byName = new Map(list.map((s) => [s.name, s]));

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    const words = command.text.trim().split(/\s+/).filter(Boolean);
    const name = (words[0] ?? 'help').toLowerCase();
    const sub = byName.get(name);
    if (!sub) {
      await ack({
        response_type: 'ephemeral',
        ...unknownCommandMessage(
          words[0] ?? '',
          didYouMean(
            name,
            list.map((s) => s.name),
          ),
          list,
        ),
      });
      return;
    }
    const ctx = {
      services,
      command,
      args: words.slice(1),
      teamId: context.teamId ?? command.team_id,
      userId: command.user_id,
      client,
      respond,
    };
    if (sub.instant) {
      const message = await sub.run(ctx);
      await ack(message ? { response_type: 'ephemeral', ...message } : undefined);
      return;
    }
    await ack();
    try {
      const message = await sub.run(ctx);
      if (message) await respond({ response_type: 'ephemeral', ...message });
    } catch (err) {
      services.logger.error({ err, subcommand: name }, 'subcommand failed');
      await respond({
        response_type: 'ephemeral',
        text: `Sorry — \`/thread ${name}\` failed on our side. Please try again in a minute; if it keeps failing, tell your Thread admin.`,
      });
    }
  });
}
