import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../../app/services.js';
import type { SlackMessage } from '../../../views/messages/help.js';

export interface CommandContext {
  services: Services;
  command: SlashCommand;
  /** Words after the subcommand, e.g. ["salesforce", "sandbox"]. */
  args: string[];
  teamId: string;
  userId: string;
  client: WebClient;
  respond: RespondFn;
}

/**
 * One `/thread <name>` subcommand. `instant` ones answer inside the ack (help, unknown): one round trip,
 * nothing slow. The others ack at once and answer through `respond` when their work is done.
 */
export interface Subcommand {
  name: string;
  usage: string;
  summary: string;
  example: string;
  instant?: boolean;
  run(ctx: CommandContext): Promise<SlackMessage | undefined>;
}
