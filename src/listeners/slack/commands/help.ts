import { helpMessage } from '../../../views/messages/help.js';
import type { Subcommand } from './subcommand.js';

export function helpCommand(all: () => readonly Subcommand[]): Subcommand {
  return {
    name: 'help',
    usage: 'help',
    summary: 'List every command with an example.',
    example: '/thread help',
    instant: true,
    run: async () => helpMessage(all()),
  };
}
