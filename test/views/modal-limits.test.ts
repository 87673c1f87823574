/**
 * Every modal as Slack would take it (the emulator's own view check: blocks, title and button lengths,
 * metadata) and as a person reads it: a title never cut off by Slack's 24 characters — for every provider,
 * whatever its name — and long or hostile names kept inside the limits.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import { connectModal, disconnectModal, logsModal } from '../../src/views/modals/connectors.js';
import { nextMeetingModal, notesModal } from '../../src/views/modals/meetings.js';
import { checkView } from '../emulators/slack.js';

const LONG = `<!channel> ${'Acme Corporation Worldwide '.repeat(200)}`;

function readable(view: object) {
  const v = view as Record<string, unknown>;
  expect(checkView(v, 'modal')).toBeUndefined();
  for (const key of ['title', 'submit', 'close']) {
    const text = (v[key] as { text?: string } | undefined)?.text;
    if (text) expect(text, `${key} "${text}"`).not.toMatch(/…$/);
  }
}

describe('modals within Slack’s limits, titles whole', () => {
  it.each(PROVIDERS.map((p) => [p.name, p] as const))('%s: connect, reconnect, disconnect, logs', (_, p) => {
    readable(connectModal(p, 'https://thread.example.com/oauth/x/start?link=abc', false));
    readable(connectModal(p, 'https://thread.example.com/oauth/x/start?link=abc', true));
    readable(disconnectModal(p, LONG));
    const at = new Date('2026-11-28T10:00:00Z');
    readable(
      logsModal(
        p,
        Array.from({ length: 60 }, (_, i) => ({
          level: 'error' as const,
          at,
          message: `${i} ${LONG}`,
          by: 'U123',
          providerWords: LONG,
        })),
      ),
    );
  });

  it('meeting modals with a long, hostile meeting title and account name', () => {
    readable(notesModal('00000000-0000-4000-8000-000000000000', LONG, LONG));
    readable(
      nextMeetingModal('00000000-0000-4000-8000-000000000000', LONG, new Date('2026-12-01T15:00:00Z')),
    );
  });
});
