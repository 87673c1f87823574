/**
 * `/thread channel …` through the real app and the Slack emulator: linking public, private, archived and
 * Slack Connect channels, creating one by the naming rule with "name taken" handled, who may do it, and
 * a channel Thread can no longer post in showing as an Error on the account.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/views/ids.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  addPeople,
  lastRaw,
  makeAccount,
  reply,
  resetTables,
  sendEvent,
  settled,
  threadPost,
} from './helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  addPeople(app);
  const ch = app.slack.channels;
  ch.add({ id: 'CPUBLIC', name: 'acme-onboarding' });
  ch.add({ id: 'GPRIVATE', name: 'acme-private', is_private: true });
  ch.add({ id: 'GPRIVIN', name: 'globex-private', is_private: true, is_member: true });
  ch.add({ id: 'COLD', name: 'old-customer', is_archived: true, is_member: true });
  ch.add({ id: 'CSHARED', name: 'acme-shared', is_ext_shared: true, is_member: true });
  // Names already in use in the workspace, one of them by an archived channel.
  ch.add({ id: 'CTAKEN1', name: 'onboarding-initech', is_member: false });
  ch.add({ id: 'CTAKEN2', name: 'onboarding-initech-2', is_archived: true });
});
afterAll(async () => {
  await app?.stop();
});
beforeEach(async () => {
  await resetTables(app);
  for (const [id, member] of [
    ['CPUBLIC', false],
    ['CSHARED', true],
  ] as const) {
    app.slack.channels.update(id, { is_member: member, is_archived: false });
  }
});

const accountRow = (name: string) =>
  app.thread.services.db
    .selectFrom('accounts')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirstOrThrow();

describe('/thread channel #channel <account>', () => {
  it('links a public channel, joining it so Thread can post there; /thread account shows it', async () => {
    await makeAccount(app, 'Acme Corp', { csm: 'UCSM' });
    const joinsBefore = app.slack.callsTo('conversations.join').length;
    const said = await reply(app, 'channel <#CPUBLIC|acme-onboarding> Acme Corp');
    expect(said).toContain('is now the customer channel of Acme Corp');
    expect(said).toContain('Thread joined it');
    expect(app.slack.callsTo('conversations.join').length).toBe(joinsBefore + 1);
    const row = await accountRow('Acme Corp');
    expect(row.customer_channel_id).toBe('CPUBLIC');
    expect(row.customer_channel_shared).toBe(false);
    const view = await reply(app, 'account Acme Corp');
    expect(view).toContain('Customer channel: #CPUBLIC');
    expect(view).toContain('Customer engagement: none yet');
  });

  it('a Slack Connect channel is linked and marked as shared', async () => {
    await makeAccount(app, 'Acme Corp');
    expect(await reply(app, 'channel <#CSHARED|acme-shared> acme corp')).toContain('Slack Connect channel');
    expect((await accountRow('Acme Corp')).customer_channel_shared).toBe(true);
    expect(await reply(app, 'account Acme Corp')).toContain('#CSHARED (Slack Connect)');
  });

  it('a private channel Thread is not in: invite it first; once in, it links', async () => {
    await makeAccount(app, 'Acme Corp');
    // Slack answers channel_not_found for a private channel the bot is not in.
    expect(await reply(app, 'channel <#GPRIVATE|acme-private> Acme Corp')).toContain('`/invite @Thread`');
    expect((await accountRow('Acme Corp')).customer_channel_id).toBeNull();
    expect(await reply(app, 'channel <#GPRIVIN|globex-private> Acme Corp')).toContain(
      'is now the customer channel',
    );
  });

  it('an archived channel is refused; a channel of another account is refused, naming it', async () => {
    await makeAccount(app, 'Acme Corp');
    await makeAccount(app, 'Globex', { channel: 'CSHARED' });
    expect(await reply(app, 'channel <#COLD|old-customer> Acme Corp')).toContain('is archived');
    expect(await reply(app, 'channel <#CSHARED|acme-shared> Acme Corp')).toContain(
      'already the customer channel of Globex',
    );
    expect((await accountRow('Acme Corp')).customer_channel_id).toBeNull();
  });

  it('bad input gets a clear answer: no channel, unknown account (with a suggestion), escaped echo', async () => {
    await makeAccount(app, 'Acme Corp');
    expect(await reply(app, 'channel acme Acme Corp')).toContain('Pick the channel from the # menu');
    expect(await reply(app, 'channel <#CPUBLIC|acme-onboarding> Acme Crop')).toContain(
      'Did you mean Acme Corp?',
    );
    expect(await reply(app, 'channel <#CPUBLIC|acme-onboarding> &lt;!channel&gt;')).toContain(
      'No account matches',
    );
    expect(lastRaw()).not.toContain('<!channel>');
  });

  it('a member who is not the CSM is refused; the account’s CSM may link', async () => {
    await makeAccount(app, 'Acme Corp', { csm: 'UCSM' });
    expect(await reply(app, 'channel <#CPUBLIC|acme-onboarding> Acme Corp', 'UMEMBER')).toContain(
      'only the CSM of Acme Corp',
    );
    expect(await reply(app, 'channel <#CPUBLIC|acme-onboarding> Acme Corp', 'UCSM')).toContain(
      'is now the customer channel',
    );
  });

  it('a customer-side admin (their own workspace’s admin) in a shared channel is refused', async () => {
    await makeAccount(app, 'Acme Corp', { csm: 'UCSM' });
    expect(await reply(app, 'channel <#CSHARED|acme-shared> Acme Corp', 'UCUSTADMIN')).toContain(
      'Sorry — only',
    );
    expect(await reply(app, 'channel naming cust-{account}', 'UCUSTADMIN')).toContain('Sorry — only');
    expect(await reply(app, 'channel naming cust-{account}', 'UGUEST')).toContain('Sorry — only');
    expect((await accountRow('Acme Corp')).customer_channel_id).toBeNull();
  });
});

describe('customer-side people are never managers', () => {
  it('a customer’s own admin (an admin of their workspace) pressing Disconnect is refused', async () => {
    for (const user of ['UCUSTADMIN']) {
      const opens = app.slack.callsTo('views.open').length;
      const res = await app.action(ACTIONS.disconnect, 'hubspot', user);
      expect(res.status).toBe(200);
      const home = await app.until(() => app.slack.homeOf(user), `${user}'s Home`);
      expect(JSON.stringify(home)).toContain(
        'Only workspace admins and Thread admins can disconnect HubSpot',
      );
      expect(app.slack.callsTo('views.open').length).toBe(opens);
    }
  });
});

describe('/thread channel create <account>', () => {
  it('creates by the naming rule, skipping taken names (archived ones too), and invites the CSM and the AE', async () => {
    await makeAccount(app, 'Initech', { csm: 'UCSM', aeEmail: 'abe@example.com' });
    const said = await reply(app, 'channel create Initech');
    const created = app.slack.callsTo('conversations.create').map((c) => c.args.name);
    expect(created.slice(-3)).toEqual(['onboarding-initech', 'onboarding-initech-2', 'onboarding-initech-3']);
    const row = await accountRow('Initech');
    expect(row.customer_channel_name).toBe('onboarding-initech-3');
    expect(said).toContain(`Created #${row.customer_channel_id} for Initech`);
    expect(said).toContain('@cara (CSM) invited; @abe (AE) invited');
    expect(app.slack.channels.channels.get(row.customer_channel_id!)?.members).toEqual(['UCSM', 'UAE']);
    // Twice: the account has its channel; nothing new is created.
    const before = app.slack.callsTo('conversations.create').length;
    expect(await reply(app, 'channel create Initech')).toContain('already has');
    expect(app.slack.callsTo('conversations.create').length).toBe(before);
  });

  it('a team naming rule; an AE outside the workspace is named, not lost; odd names still make a channel', async () => {
    expect(await reply(app, 'channel naming nope')).toContain('must contain `{account}`');
    expect(await reply(app, 'channel naming cust_{account}')).toContain('#cust_acme-corp');
    await makeAccount(app, 'Café Ünïcode & Co. <!channel>', { aeEmail: 'someone@elsewhere.example' });
    const said = await reply(app, 'channel create Café');
    expect(said).toContain('The AE’s email matches no one in this workspace');
    expect(lastRaw()).not.toContain('<!channel>');
    const row = await accountRow('Café Ünïcode & Co. <!channel>');
    expect(row.customer_channel_name).toBe('cust_cafe-unicode-co-channel');
  });

  it('every name taken: says so and what to do', async () => {
    await reply(app, 'channel naming onboarding-{account}');
    for (let n = 3; n <= 10; n++)
      app.slack.channels.add({ id: `CFULL${n}`, name: `onboarding-initech-${n}` });
    await makeAccount(app, 'Initech');
    const said = await reply(app, 'channel create Initech');
    expect(said).toContain('Every name I tried is taken');
    expect((await accountRow('Initech')).customer_channel_id).toBeNull();
    for (let n = 3; n <= 10; n++) app.slack.channels.channels.delete(`CFULL${n}`);
  });
});

describe('a customer channel Thread can no longer post in', () => {
  it('Thread removed, then back: the account shows the Error, then clears it', async () => {
    await makeAccount(app, 'Acme Corp', { channel: 'CSHARED' });
    await sendEvent(app, { type: 'channel_left', channel: 'CSHARED', actor_id: 'UADMIN', event_ts: '1.1' });
    await settled(app);
    expect((await accountRow('Acme Corp')).customer_channel_problem).toBe('not_in_channel');
    expect(await reply(app, 'account Acme Corp')).toContain('Error: Thread is not in #CSHARED');
    await sendEvent(app, {
      type: 'member_joined_channel',
      user: 'UBOT',
      channel: 'CSHARED',
      channel_type: 'C',
      team: app.teamId,
      event_ts: '1.2',
    });
    await settled(app);
    expect((await accountRow('Acme Corp')).customer_channel_problem).toBeNull();
  });

  it('someone else leaving changes nothing; archived, unarchived, deleted; a channel of no account is ignored', async () => {
    await makeAccount(app, 'Acme Corp', { channel: 'CSHARED' });
    await sendEvent(app, {
      type: 'member_left_channel',
      user: 'UCUST',
      channel: 'CSHARED',
      channel_type: 'C',
      team: app.teamId,
      event_ts: '1.3',
    });
    await sendEvent(app, { type: 'channel_archive', channel: 'CRANDOM', user: 'UADMIN', event_ts: '1.4' });
    await settled(app);
    expect((await accountRow('Acme Corp')).customer_channel_problem).toBeNull();
    await sendEvent(app, { type: 'channel_archive', channel: 'CSHARED', user: 'UADMIN', event_ts: '1.5' });
    await settled(app);
    expect(await reply(app, 'account Acme Corp')).toContain('#CSHARED is archived');
    await sendEvent(app, { type: 'channel_unarchive', channel: 'CSHARED', user: 'UADMIN', event_ts: '1.6' });
    await settled(app);
    expect((await accountRow('Acme Corp')).customer_channel_problem).toBeNull();
    await sendEvent(app, { type: 'channel_deleted', channel: 'CSHARED', event_ts: '1.7' });
    await settled(app);
    expect(await reply(app, 'account Acme Corp')).toContain('#CSHARED no longer exists');
  });

  it('a post Slack refuses because Thread was removed marks the account, not just the delivery', async () => {
    await makeAccount(app, 'Acme Corp', { channel: 'CSHARED' });
    await threadPost(app, 'CSHARED', 'first');
    // Removed in Slack while no event reached Thread (e.g. it was down): the next post finds out.
    app.slack.channels.update('CSHARED', { is_member: false });
    await expect(threadPost(app, 'CSHARED', 'second')).rejects.toThrow('ended failed');
    await app.until(
      async () => (await accountRow('Acme Corp')).customer_channel_problem === 'not_in_channel',
    );
    app.slack.channels.update('CSHARED', { is_member: true });
    await threadPost(app, 'CSHARED', 'third');
    await app.until(async () => (await accountRow('Acme Corp')).customer_channel_problem === null);
  });
});
