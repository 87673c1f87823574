/** The handoff messages on their own: who takes the account when nobody can, and long plans. */
import { describe, expect, it } from 'vitest';
import { type HandoffView, handoffDm, handoffPost } from '../../src/views/messages/handoff.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { checkBlock } from '../emulators/slack.js';

const base: HandoffView = {
  dealName: 'Acme',
  sourceName: 'HubSpot',
  dealId: '42',
  amount: '1000',
  currency: 'EUR',
  closeDate: '2026-12-01',
  ownerId: '7001',
  csm: { userId: 'U1' },
  milestones: [{ name: 'Kickoff call', dueDate: '2026-12-04' }],
};

describe('handoff messages', () => {
  it('no CSM: the post says so and why', () => {
    const full = blocksToText(handoffPost({ ...base, csm: { none: true, poolSize: 3 } }).blocks);
    expect(full).toContain('No CSM was assigned');
    expect(full).toContain('CSM: nobody yet — every CSM in the pool is at capacity');
    const empty = blocksToText(handoffPost({ ...base, csm: { none: true, poolSize: 0 } }).blocks);
    expect(empty).toContain('CSM: nobody yet — the CSM pool is empty');
  });

  it('the DM and the post carry the same facts; a nameless deal is named after its id', () => {
    const dm = blocksToText(handoffDm({ ...base, dealName: ' ' }).blocks);
    expect(dm).toContain('# Your new account: HubSpot deal 42');
    expect(dm).toContain('Amount: €1,000.00');
    expect(dm).toContain('Kickoff call — due Dec 4, 2026');
  });

  it('a plan of thousands of long milestones stays within Block Kit limits and counts the rest', () => {
    const message = handoffPost({
      ...base,
      milestones: Array.from({ length: 3000 }, (_, i) => ({
        name: `<!here> ${i} ${'y'.repeat(500)}`,
        dueDate: '2027-01-01',
      })),
    });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const b of message.blocks as unknown[])
      expect(checkBlock(b as Record<string, unknown>)).toBeUndefined();
    expect(blocksToText(message.blocks)).toContain('…and 2960 more.');
    expect(JSON.stringify(message)).not.toContain('<!here>');
  });
});
