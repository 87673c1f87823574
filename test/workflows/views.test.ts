/** The handoff messages on their own: who takes the account when nobody can, and long plans. */
import { describe, expect, it } from 'vitest';
import {
  completedHandoffMessage,
  type HandoffView,
  handoffDm,
  handoffPost,
} from '../../src/views/messages/handoff.js';
import { completeHandoffModal } from '../../src/views/modals/complete-handoff.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { checkBlock, checkView } from '../emulators/slack.js';

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

  it('five calls, contacts and notes of 5,000 characters each stay within Block Kit limits, escaped', () => {
    const huge = `<!channel> <@U999> *b* ${'&'.repeat(5000)}`;
    const message = handoffPost({
      ...base,
      ae: { name: huge, email: huge },
      companyName: huge,
      domain: huge,
      notes: huge,
      contacts: Array.from({ length: 40 }, () => ({ name: huge, email: huge, title: huge })),
      calls: {
        state: 'loaded',
        sourceName: 'Gong',
        matchedBy: huge,
        calls: Array.from({ length: 5 }, () => ({
          title: huge,
          startedAt: '2026-11-20T10:00:00Z',
          durationSeconds: 3600,
          url: `https://app.gong.io/call?id=1|<!here>`,
          participants: Array.from({ length: 50 }, () => ({ name: huge, email: null })),
        })),
      },
      aeAsk: { state: 'not in slack', email: huge },
      email: { state: 'no provider', reason: 'no email: connect Microsoft 365 or Google' },
    });
    for (const b of message.blocks as unknown[])
      expect(checkBlock(b as Record<string, unknown>)).toBeUndefined();
    const sent = JSON.stringify(message);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<!here>');
    expect(sent).not.toContain('<@U999>');
    // A link whose URL could end the `<url|text>` syntax early is not made a link at all.
    expect(sent).not.toContain('<https://app.gong.io');
    expect(blocksToText(message.blocks)).toContain('and 35 more');
  });

  it('the modal and the completed handoff keep their limits with the longest fields', () => {
    const field = '&'.repeat(2000);
    const modal = completeHandoffModal({
      runId: '6b0f2a1e-0000-4000-8000-000000000000',
      dealName: `<!channel> ${'x'.repeat(5000)}`,
      prefill: { goals: '', stakeholders: 'y'.repeat(5000), risks: field, notes: field },
    });
    expect(checkView(modal as unknown as Record<string, unknown>, 'modal')).toBeUndefined();
    const done = completedHandoffMessage({
      dealName: 'Acme',
      aeUserId: 'U2',
      csmUserId: 'U1',
      form: { goals: field, stakeholders: field, risks: field, notes: field },
    });
    for (const b of done.blocks as unknown[])
      expect(checkBlock(b as Record<string, unknown>)).toBeUndefined();
  });
});
