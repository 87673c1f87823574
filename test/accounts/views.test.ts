/** The account views at sizes a test app would be slow to reach: more accounts than one message holds. */
import { describe, expect, it } from 'vitest';
import { accountMessage, accountsMessage, csmPoolMessage } from '../../src/views/messages/accounts.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { checkBlock } from '../emulators/slack.js';

function withinLimits(blocks: unknown[]) {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) expect(checkBlock(b as Record<string, unknown>)).toBeUndefined();
}

const line = (i: number) => ({
  name: `Customer ${i} ${'<!here>'.repeat(30)}`,
  stage: 'onboarding' as const,
  csmUserId: 'U1',
  done: 1,
  total: 6,
});

describe('account views', () => {
  it('a list longer than one message counts what it leaves out', () => {
    const message = accountsMessage(Array.from({ length: 3000 }, (_, i) => line(i)));
    withinLimits(message.blocks);
    const text = blocksToText(message.blocks);
    expect(text).toMatch(/…and \d+ more\.$/);
    const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(Number(text.match(/and (\d+) more/)![1]) + shown).toBe(3000);
    expect(JSON.stringify(message)).not.toContain('<!here>');
  });

  it('an account with thousands of milestones and odd CRM values stays readable and within limits', () => {
    const message = accountMessage({
      ...line(1),
      source: 'hubspot',
      domain: null,
      amount: '1234.5',
      currency: 'not-a-currency',
      closeDate: null,
      aeName: null,
      aeEmail: '<!channel>@example.com',
      template: { name: 'Enterprise', version: 3 },
      milestones: Array.from({ length: 2000 }, (_, i) => ({
        name: `Step ${i} ${'x'.repeat(150)}`,
        dueDate: '2027-02-28',
        status: 'pending' as const,
      })),
    });
    withinLimits(message.blocks);
    const text = blocksToText(message.blocks);
    expect(text).toContain('Amount: 1,234.5 not-a-cur…');
    expect(text).toContain('AE: (<!channel>@example.com)');
    expect(text).toContain('Template: Enterprise, version 3');
    expect(text).toMatch(/…and \d+ more\.$/);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('the pool marks who is full', () => {
    const text = blocksToText(
      csmPoolMessage([
        { userId: 'U1', capacity: 2, open: 2 },
        { userId: 'U2', capacity: 5, open: 1 },
      ]).blocks,
    );
    expect(text).toContain('@U1 — 2/2 open accounts (full)');
    expect(text).toContain('@U2 — 1/5 open accounts');
  });
});
