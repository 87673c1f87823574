/**
 * `/thread csm …`, `/thread accounts` and `/thread account <name>` through the real app, read as a CS
 * manager reads them — and with the input people actually send: unknown people, words for numbers,
 * `<!channel>` in names, a member trying to change the pool.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { assignCsm } from '../../src/domain/accounts/assign-csm.js';
import { type AccountFacts, upsertAccount } from '../../src/domain/accounts/upsert.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { checkBlock } from '../emulators/slack.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});
beforeEach(async () => {
  const db = app.thread.services.db;
  await db.deleteFrom('accounts').execute();
  await db.deleteFrom('csm_pool').execute();
  await db.deleteFrom('templates').execute();
  await db.deleteFrom('thread_admins').execute();
});

/** How the emulator's people read in Slack. */
const NAMES = { UMEMBER: 'mo', UOWNER: 'omar', UADMIN: 'ana', UGHOST: 'ghost' };

/**
 * `/thread <text>` as `user`; the reply as Slack would render it (`raw`: the JSON Slack gets). Replies through response_url are not
 * checked by the emulator, so Block Kit's limits are checked here.
 */
async function reply(text: string, user = 'UADMIN') {
  const body = await app.commandReply(text, user);
  const blocks = body.blocks as Record<string, unknown>[];
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) expect(checkBlock(b)).toBeUndefined();
  return { text: blocksToText(blocks, { names: NAMES }), raw: JSON.stringify(body) };
}

/** An account the way a handoff makes one: from the CRM, template applied, CSM assigned. */
async function onboarding(facts: Partial<AccountFacts> & { name: string }) {
  const db = app.thread.services.db;
  const { account } = await upsertAccount(db, {
    teamId: app.teamId,
    source: 'hubspot',
    externalId: facts.name.slice(0, 50),
    ...facts,
  });
  await applyTemplate(db, account.id, { startDate: '2026-12-01' });
  await assignCsm(db, account.id);
  return account.id;
}

async function complete(accountId: string, milestones: number) {
  await app.thread.services.db
    .updateTable('account_milestones')
    .set({ status: 'done', completed_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('position', '<', milestones)
    .execute();
}

describe('/thread csm', () => {
  it('add, list, change capacity, remove: each says what changed for the rotation', async () => {
    expect((await reply('csm list')).text).toContain('No CSMs in the pool yet');
    expect((await reply('csm add <@UMEMBER|mo.member> 3')).text).toBe(
      '@mo is in the CSM pool and will take new accounts, up to 3 open at a time.',
    );
    expect((await reply('csm add <@UOWNER|omar.owner>')).text).toContain('up to 10 open at a time');
    await onboarding({ name: 'Acme' });
    const list = (await reply('csm list')).text;
    expect(list).toContain('least recently');
    expect(list).toContain('@mo — 1/3 open accounts');
    expect(list).toContain('@omar — 0/10 open accounts');
    expect((await reply('csm add <@UMEMBER|mo.member> 1')).text).toBe(
      '@mo can now carry up to 1 open account.',
    );
    expect((await reply('csm list')).text).toContain('@mo — 1/1 open accounts (full)');
    expect((await reply('csm remove <@UMEMBER|mo.member>')).text).toContain(
      'is out of the CSM pool: new accounts no longer go to them',
    );
    expect((await reply('csm list')).text).not.toContain('@mo');
    expect((await reply('csm remove <@UMEMBER|mo.member>')).text).toBe('@mo was not in the CSM pool.');
  });

  it('refuses a member who tries to change the pool, and lets them see it', async () => {
    const refused = (await reply('csm add <@UMEMBER|mo.member> 5', 'UMEMBER')).text;
    expect(refused).toContain('only workspace admins and Thread admins can change the CSM pool');
    expect(refused).toContain('/thread csm list');
    expect((await reply('csm remove <@UADMIN|ana>', 'UMEMBER')).text).toContain('Sorry — only');
    expect((await reply('csm list', 'UMEMBER')).text).toContain('No CSMs in the pool yet');
    const rows = await app.thread.services.db.selectFrom('csm_pool').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('says what is wrong with bad input, and adds no one', async () => {
    expect((await reply('csm add <@UGHOST|ghost> 5')).text).toBe(
      "I can't find @ghost among the people of this workspace, so they can't take accounts.",
    );
    expect((await reply('csm add @ghost 5')).text).toBe(
      "I can't tell who `@ghost` is. Pick the person from the @ menu: `/thread csm add @dana`.",
    );
    expect((await reply('csm add')).text).toBe('Mention the person: `/thread csm add @dana`.');
    for (const capacity of ['lots', '0', '2.5', '-3', '100000', '5 6']) {
      expect((await reply(`csm add <@UMEMBER|mo> ${capacity}`)).text).toBe(
        `Capacity is how many open accounts @mo may carry: a whole number from 1 to 500, like \`/thread csm add @dana 8\` — not \`${capacity}\`.`,
      );
    }
    const sneaky = await reply('csm add <@UMEMBER|mo> <!channel>');
    expect(sneaky.text).toContain('not `<!channel>`');
    expect(sneaky.raw).not.toContain('<!channel>');
    expect((await reply('csm promote <@UMEMBER|mo>')).text).toContain("I don't know `promote` here.");
    const rows = await app.thread.services.db.selectFrom('csm_pool').selectAll().execute();
    expect(rows).toEqual([]);
  });
});

describe('/thread accounts', () => {
  it('lists each account with its stage, CSM and milestone progress, open ones first', async () => {
    expect((await reply('accounts')).text).toContain('No accounts yet.');
    await reply('csm add <@UMEMBER|mo> 1');
    const acme = await onboarding({ name: 'Acme' });
    await complete(acme, 2);
    await onboarding({ name: 'Globex' });
    const done = await onboarding({ name: 'Initech' });
    await app.thread.services.db
      .updateTable('accounts')
      .set({ stage: 'live' })
      .where('id', '=', done)
      .execute();
    const list = (await reply('accounts')).text;
    expect(list).toContain('Accounts (3)');
    expect(list).toContain('• Acme — Onboarding · @mo · 2/6 milestones');
    expect(list).toContain('• Globex — Onboarding · no CSM yet · 0/6 milestones');
    expect(list.indexOf('Globex')).toBeLessThan(list.indexOf('Initech'));
    expect(list).toContain('• Initech — Live · no CSM yet · 0/6 milestones');
  });

  it('renders CRM names safely — mentions, markup and 5,000 characters — within Block Kit limits', async () => {
    await onboarding({ name: 'Acme <!channel> <@U123> <https://evil.example|click>' });
    await onboarding({ name: `Long ${'x'.repeat(5000)}` });
    for (let i = 0; i < 150; i++) await onboarding({ name: `Customer ${i} ${'y'.repeat(60)}` });
    const list = await reply('accounts');
    expect(list.raw).not.toMatch(/<!channel>|<@U123>|<https:/);
    expect(list.text).toContain('Acme <!channel> <@U123> <https://evil.example|click> — Onboarding');
    expect(list.text).not.toContain('@channel');
    expect(list.text).toContain('Accounts (152)');
    expect(list.text).toMatch(/Long x+…/);
    // One account in full, with the long name: still within limits (reply() checks them).
    expect((await reply('account long')).text).toMatch(/^Long x+…\n/);
  });
});

describe('/thread account <name>', () => {
  it('shows the account in full: amount, close date, AE, CSM, template and version, milestones', async () => {
    await reply('csm add <@UMEMBER|mo> 4');
    const id = await onboarding({
      name: 'Acme Corp',
      domain: 'acme.com',
      amount: '48000',
      currency: 'USD',
      closeDate: '2026-11-20',
      aeName: 'Sam Seller',
      aeEmail: 'sam@seller.example',
    });
    await complete(id, 1);
    const detail = (await reply('account acme corp')).text;
    for (const line of [
      'Stage: Onboarding',
      'CSM: @mo',
      'Amount: $48,000.00',
      'Close date: Nov 20, 2026',
      'AE: Sam Seller (sam@seller.example)',
      'Template: Standard onboarding, version 1',
      'From: HubSpot',
      'Milestones (1/6 milestones)',
      '✅ done — Kickoff call · due Dec 4, 2026',
      '⬜ to do — Technical setup · due Dec 11, 2026',
      '⬜ to do — 30-day check-in · due Jan 29, 2027',
    ]) {
      expect(detail).toContain(line);
    }
  });

  it('names the gaps of a thin CRM record instead of showing blanks', async () => {
    await upsertAccount(app.thread.services.db, {
      teamId: app.teamId,
      source: 'notion',
      externalId: 'row-1',
      name: 'Bare',
    });
    const detail = (await reply('account Bare')).text;
    expect(detail).toContain('Stage: New — no onboarding plan yet');
    expect(detail).toContain('CSM: no CSM yet');
    expect(detail).toContain('Amount: not set');
    expect(detail).toContain('Template: none applied yet');
    expect(detail).not.toMatch(/null|undefined|NaN/);
  });

  it('says plainly when a name matches nothing or several, and prefers an exact match', async () => {
    await onboarding({ name: 'Acme' });
    await onboarding({ name: 'Acme Labs' });
    await onboarding({ name: 'Acme <!channel>' });
    expect((await reply('account umbrella')).text).toBe(
      'No account matches `umbrella`. `/thread accounts` lists them all.',
    );
    expect((await reply('account labs')).text).toMatch(/^Acme Labs\n/);
    expect((await reply('account ACME')).text).toMatch(/^Acme\n/);
    const several = await reply('account acm');
    expect(several.text).toContain(
      '3 accounts match `acm`: Acme, Acme <!channel>, Acme Labs. Type more of the name.',
    );
    expect(several.raw).not.toContain('<!channel>');
    // A typed <!channel> is a name to look for (Slack sends it escaped), never a ping.
    const typed = await reply('account Acme &lt;!channel&gt;');
    expect(typed.text).toMatch(/^Acme <!channel>\n/);
    const nothing = await reply('account <!channel>');
    expect(nothing.raw).not.toContain('<!channel>');
    expect((await reply('account')).text).toContain('Which account?');
  });
});

describe('help and typos', () => {
  it('/thread help lists the new commands; a typo is pointed at the right one', async () => {
    const help = (await reply('help')).text;
    expect(help).toContain('/thread accounts');
    expect(help).toContain('/thread account <name>');
    expect(help).toContain('/thread csm add @dana 8');
    expect((await reply('acounts')).text).toContain('Did you mean `/thread accounts`?');
    expect((await reply('cms')).text).toContain('Did you mean `/thread csm`?');
  });
});
