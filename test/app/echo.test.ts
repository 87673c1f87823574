/**
 * Whatever a person types comes back inert: a command that quotes its input must not ping the channel,
 * mention someone, make a link or format text. Every command that echoes is fed each of these.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const INPUTS = ['<!channel>', '<@U123>', '<http://x|y>', '*b*'];
const COMMANDS = [
  (input: string) => input, // unknown subcommand
  (input: string) => `connect ${input}`,
  (input: string) => `reconnect ${input}`,
  (input: string) => `disconnect ${input}`,
  (input: string) => `test ${input}`,
  (input: string) => `connect hubspot ${input}`,
  (input: string) => `connect salesforce ${input}`,
  (input: string) => `admins ${input}`,
  (input: string) => `admins add ${input}`,
  (input: string) => `admins remove ${input}`,
];

/** Every string Slack would render as text in a message: `text` fields at any depth. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'text' && typeof v === 'string' ? [v] : texts(v)));
}

/** The text outside `code spans`, where Slack would apply formatting. */
const outsideCode = (s: string) => s.replace(/`[^`]*`/g, '');

describe.each(INPUTS)('%s typed into a command', (input) => {
  it.each(COMMANDS.map((c) => [c(input)]))('/thread %s answers without acting on it', async (typed) => {
    const reply = await app.commandReply(typed);
    if (/^admins (add|remove) <@U123>$/.test(typed)) {
      // A mention is what these take: Thread names the person it validated, it does not echo text.
      expect(texts(reply).join('\n')).toMatch(/^<@U123> (is now|was not|is no longer) a Thread admin/);
      return;
    }
    for (const t of texts(reply)) {
      expect(t, t).not.toContain(input.startsWith('<') ? input : '\u0000');
      expect(outsideCode(t), t).not.toContain('*b*');
      expect(t).not.toMatch(/<(!channel|@U123|http:\/\/x)/);
    }
  });
});

describe('echoed input', () => {
  it('is shown as typed, in a code span, once Slack’s own escaping is undone', async () => {
    const reply = await app.commandReply('connect hubspot <!channel>');
    const shown = texts(reply).join('\n');
    expect(shown).toContain('`&lt;!channel&gt;`');
    // Slack sends a typed "<" as "&lt;": it must not come back as "&amp;lt;".
    const typedLt = texts(await app.commandReply('a&lt;b')).join('\n');
    expect(typedLt).toContain('`a&lt;b`');
    expect(typedLt).not.toContain('&amp;lt;');
  });

  it('a backtick cannot close the code span early', async () => {
    const reply = texts(await app.commandReply('connect hubspot x`*b*`<!here>')).join('\n');
    expect(outsideCode(reply)).not.toContain('*b*');
    expect(reply).not.toContain('<!here>');
  });
});
