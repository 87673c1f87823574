/**
 * `/thread broadcast` through the real app: the modal for managers only (a customer's admin in a Slack
 * Connect channel is no manager), the submission validated field by field, one delivery per customer
 * channel with the manager's text escaped, and the progress report edited in the sender's DM.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VIEWS } from '../../src/views/ids.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { addPeople, makeAccount, NAMES, reply, resetTables } from '../channels/helpers.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  addPeople(app);
  app.slack.channels.add({ id: 'CSHARED', name: 'acme-shared', is_ext_shared: true, is_member: true });
  app.slack.channels.add({ id: 'CGLOBEX', name: 'globex', is_member: true });
  app.slack.channels.add({ id: 'COLDCO', name: 'old-co', is_member: true, is_archived: true });
});
afterAll(async () => {
  await app?.stop();
});
beforeEach(async () => {
  await resetTables(app);
});

async function threeAccounts() {
  await makeAccount(app, 'Acme Corp', { channel: 'CSHARED', stage: 'onboarding' });
  await makeAccount(app, 'Globex', { channel: 'CGLOBEX', stage: 'live' });
  await makeAccount(app, 'Old Co', { channel: 'COLDCO', stage: 'onboarding' });
  await makeAccount(app, 'No Channel Inc', { stage: 'onboarding' });
}

function values(message: string, target: 'all' | 'stages', stages: string[] = []) {
  return {
    message: { text: { type: 'plain_text_input', value: message } },
    target: { choice: { type: 'radio_buttons', selected_option: { value: target } } },
    stages: {
      chosen: { type: 'multi_static_select', selected_options: stages.map((value) => ({ value })) },
    },
  };
}

const broadcastPosts = () =>
  app.slack
    .callsTo('chat.postMessage')
    .filter((c) => JSON.stringify(c.args.blocks ?? '').includes('with Thread'));

describe('/thread broadcast', () => {
  it('opens the modal for a manager; members, guests and a customer’s own admin are refused', async () => {
    await threeAccounts();
    const opens = app.slack.callsTo('views.open').length;
    expect((await app.command('broadcast')).status).toBe(200);
    await app.until(() => app.slack.callsTo('views.open').length > opens, 'views.open');
    const view = app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
    expect(view.callback_id).toBe(VIEWS.broadcast);
    expect(JSON.stringify(view)).toContain('3 linked now');

    for (const user of ['UMEMBER', 'UGUEST', 'UCUSTADMIN']) {
      expect(await reply(app, 'broadcast', user)).toContain(
        'Sorry — only workspace admins and Thread admins',
      );
    }
    expect(app.slack.callsTo('views.open').length).toBe(opens + 1);
  });

  it('no customer channel yet: says so instead of an empty modal', async () => {
    expect(await reply(app, 'broadcast')).toContain('No account has a customer channel yet');
  });

  it('posts once per channel, escaped, and reports progress in the sender’s DM: delivered and failed', async () => {
    await threeAccounts();
    // Hold one channel's post back at Slack, so the report is seen part-way and must be edited again
    // when that post finally goes out.
    const release = app.slack.holdPosts('CSHARED');
    const res = await app.viewSubmission(
      VIEWS.broadcast,
      '',
      'UADMIN',
      values('Maintenance Tuesday <!channel> <@UMEMBER> <https://evil.example|click> & more', 'all'),
    );
    expect(res.status).toBe(200);
    try {
      await app.until(
        () => app.slack.callsTo('chat.update').some((c) => /of 3 delivered.*…$/.test(String(c.args.text))),
        'a report part-way',
        20_000,
      );
    } finally {
      release();
    }
    const report = await app.until(
      () =>
        app.slack
          .callsTo('chat.update')
          .map((c) => blocksToText(c.args.blocks as unknown[], { names: NAMES }))
          .find((t) => t.includes('done')),
      'the finished report',
      20_000,
    );
    expect(report).toContain('Broadcast: 2 of 3 delivered, 1 failed — done.');
    expect(report).toContain('#COLDCO (Old Co): the channel is archived (is_archived)');
    // The report is the sender's DM, posted once and then edited.
    const dm = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUADMIN');
    expect(dm).toHaveLength(1);

    // Each channel asked once (the archived one refused by Slack, not retried).
    const posts = broadcastPosts();
    expect(posts.map((p) => p.args.channel).sort()).toEqual(['CGLOBEX', 'COLDCO', 'CSHARED']);
    const sent = JSON.stringify(posts.map((p) => [p.args.text, p.args.blocks]));
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@UMEMBER>');
    expect(sent).not.toContain('<https://evil');
    expect(sent).toContain('&lt;!channel&gt;');
    // The refused channel shows on its account too.
    expect(await reply(app, 'account Old Co')).toContain('#COLDCO is archived');
    const deliveries = await app.thread.services.db
      .selectFrom('deliveries')
      .select(['channel', 'status'])
      .where('key', 'like', 'broadcast:%')
      .orderBy('channel')
      .execute();
    expect(deliveries).toEqual([
      { channel: 'CGLOBEX', status: 'delivered' },
      { channel: 'COLDCO', status: 'failed' },
      { channel: 'CSHARED', status: 'delivered' },
    ]);
  });

  it('by stage: only those accounts’ channels', async () => {
    await threeAccounts();
    await app.viewSubmission(
      VIEWS.broadcast,
      '',
      'UADMIN',
      values('Live customers only', 'stages', ['live']),
    );
    await app.until(
      () => app.slack.callsTo('chat.update').some((c) => String(c.args.text).includes('1 of 1 delivered')),
      'report',
      20_000,
    );
    expect(broadcastPosts().map((p) => p.args.channel)).toContain('CGLOBEX');
    const row = await app.thread.services.db.selectFrom('broadcasts').selectAll().executeTakeFirstOrThrow();
    expect(row.stages).toEqual(['live']);
    expect(row.total).toBe(1);
  });

  it('bad submissions are answered on the field, and nothing is sent', async () => {
    await threeAccounts();
    const errorsOf = async (v: Record<string, unknown>, user = 'UADMIN') =>
      (await app.viewSubmission(VIEWS.broadcast, '', user, v as never)).json;
    expect(await errorsOf(values('   ', 'all'))).toEqual({
      response_action: 'errors',
      errors: { message: 'Write the message to send.' },
    });
    expect(await errorsOf(values('x'.repeat(3001), 'all'))).toMatchObject({
      errors: { message: 'At most 3000 characters.' },
    });
    expect(await errorsOf(values('Hello', 'stages', []))).toMatchObject({
      errors: { stages: expect.stringContaining('Pick at least one stage') },
    });
    expect(await errorsOf(values('Hello', 'stages', ['closed']))).toMatchObject({
      errors: { target: expect.stringContaining('No customer channel') },
    });
    expect(await errorsOf(values('Hello', 'stages', ['not-a-stage']))).toMatchObject({
      errors: { message: expect.stringContaining('could not read this form') },
    });
    // A customer's admin submitting a modal they could never have opened: refused, on the form.
    expect(await errorsOf(values('Hello', 'all'), 'UCUSTADMIN')).toMatchObject({
      errors: { message: expect.stringContaining('Only workspace admins and Thread admins') },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await app.thread.services.db.selectFrom('broadcasts').selectAll().execute()).toEqual([]);
  });
});
