/** Turning the word after `/thread connect` into a provider, with "did you mean …" for typos. */
import { didYouMean } from '../../lib/did-you-mean.js';
import { PROVIDERS } from '../../providers/registry.js';
import type { ProviderDefinition } from '../../providers/types.js';
import { quoteInput } from '../../views/mrkdwn.js';

const ALIASES: Record<string, string> = {
  sfdc: 'salesforce',
  gmail: 'google',
  'google-workspace': 'google',
  gcal: 'google',
  outlook: 'microsoft',
  office365: 'microsoft',
  m365: 'microsoft',
  o365: 'microsoft',
};

export function parseProvider(
  word: string | undefined,
  verb: string,
): { def: ProviderDefinition } | { problem: string } {
  const ids = PROVIDERS.map((p) => p.id);
  const list = ids.map((id) => `\`${id}\``).join(', ');
  if (!word) return { problem: `Which one? Try \`/thread ${verb} hubspot\`. You can ${verb}: ${list}.` };
  const id = ALIASES[word.toLowerCase()] ?? word.toLowerCase();
  const def = PROVIDERS.find((p) => p.id === id);
  if (def) return { def };
  const guess = didYouMean(id, ids);
  const shown = quoteInput(word);
  return {
    problem: guess
      ? `I don't know ${shown} — did you mean \`${guess}\`? Try \`/thread ${verb} ${guess}\`.`
      : `I don't know ${shown}. You can ${verb}: ${list}.`,
  };
}
