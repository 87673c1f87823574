import type { KnownBlock } from '@slack/types';
import { quoteInput } from '../mrkdwn.js';

export interface CommandHelp {
  usage: string;
  summary: string;
  example: string;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** `/thread help`: every subcommand, what it does, and an example to copy. */
export function helpMessage(commands: readonly CommandHelp[]): SlackMessage {
  const lines = commands.map((c) => `• \`/thread ${c.usage}\` — ${c.summary}\n      e.g. \`${c.example}\``);
  return {
    text: 'Thread commands',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Thread* runs customer onboarding from Slack. Here is what you can ask it:',
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Open the *Home* tab of the Thread app to see and manage your connectors.',
          },
        ],
      },
    ],
  };
}

/** An unknown subcommand: say so, suggest the closest one, then show help. */
export function unknownCommandMessage(
  input: string,
  suggestion: string | undefined,
  commands: readonly CommandHelp[],
): SlackMessage {
  const shown = quoteInput(input);
  const headline = suggestion
    ? `I don't know ${shown}. Did you mean \`/thread ${suggestion}\`?`
    : `I don't know ${shown}.`;
  const help = helpMessage(commands);
  return {
    text: suggestion
      ? `Unknown command ${shown}. Did you mean "${suggestion}"?`
      : `Unknown command ${shown}.`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: headline } }, ...help.blocks],
  };
}
