/**
 * The onboarding template editor: the text format round-trips the template (actions and go-live
 * included), every mistake is named with its line, and through the real app a manager edits the
 * template from App Home — accounts already onboarding keep their plan, new ones get the new version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { parseTemplateText, templateToText } from '../../src/domain/accounts/template-text.js';
import { DEFAULT_MILESTONES, defaultTemplate } from '../../src/domain/accounts/templates.js';
import { upsertAccount } from '../../src/domain/accounts/upsert.js';
import { ACTIONS, VIEWS } from '../../src/views/ids.js';
import { TEMPLATE_BLOCK, TEMPLATE_INPUT } from '../../src/views/modals/template.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('the template as text', () => {
  it('round-trips the default template, actions and go-live included', () => {
    const text = templateToText(DEFAULT_MILESTONES);
    expect(text.split('\n').slice(0, 2)).toEqual([
      'Kickoff call | 3 days | Meet the customer, agree goals, owners and dates.',
      '  + message after 0 h: 👋 Welcome to onboarding, {account}! {csm} leads it with you. First up: *{milestone}*. Reply here any time with questions.',
    ]);
    expect(text).toContain(
      'Go-live review | 5 days | Confirm the customer is live and the goals are met. | go-live',
    );
    const parsed = parseTemplateText(text);
    expect(parsed).toEqual({ ok: true, milestones: DEFAULT_MILESTONES });
  });

  it('reads emails, days written loosely and blank lines', () => {
    const parsed = parseTemplateText(
      'Kickoff | 1 day\n\n  + email to AE after 24 hours: Kickoff with {account} | Notes: a | b\nLive | 0d | | go-live\r\n',
    );
    expect(parsed).toEqual({
      ok: true,
      milestones: [
        {
          name: 'Kickoff',
          duration_days: 1,
          description: '',
          actions: [
            {
              type: 'email',
              to: 'ae',
              delay_hours: 24,
              subject: 'Kickoff with {account}',
              body: 'Notes: a | b',
            },
          ],
        },
        { name: 'Live', duration_days: 0, description: '', go_live: true },
      ],
    });
  });

  it('names each mistake with its line, and saves none of it', () => {
    const parsed = parseTemplateText(
      [
        '+ message after 0 h: too early',
        'Kickoff | three days',
        'Setup | 7 days',
        '  + message after 900 h: too late',
        '  + email to customer after 1 h: no body',
        '  + call the customer',
        'A | 1 day | | go-live',
        'B | 1 day | | go-live',
        'C | 1 day | x | launch',
      ].join('\n'),
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      'Line 1: an action (a line starting with +) must come under its milestone.',
      'Line 2: after the name, how many days it takes, like `7 days`.',
      'Line 4: an action runs 0 to 720 hours after its milestone starts.',
      'Line 5: an email needs a subject and a body, separated by |.',
      'Line 6: an action is `+ message after 0 h: text` or `+ email to customer after 24 h: subject | body` (`to ae` for the AE).',
      'Line 9: a milestone is `name | days | description`, with `| go-live` at the end for the one that makes the customer live.',
      'Only one milestone can be marked `go-live`.',
    ]);
    expect(parseTemplateText('  \n ')).toEqual({
      ok: false,
      problems: ['A template needs at least one milestone.'],
    });
  });
});

describe('Edit template in App Home', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const db = () => app.thread.services.db;
  const account = async (name: string) => {
    const { account: a } = await upsertAccount(db(), {
      teamId: app.teamId,
      source: 'manual',
      externalId: name,
      name,
    });
    await applyTemplate(db(), a.id);
    return db()
      .selectFrom('account_milestones')
      .select('name')
      .where('account_id', '=', a.id)
      .orderBy('position')
      .execute();
  };

  it('managers open it with the template as text; saving writes a version new accounts get, old ones keep theirs', async () => {
    const before = await account('Before Co');
    expect(before).toHaveLength(6);
    const home = blocksToText((await app.openHome('UADMIN')).blocks as unknown[]);
    expect(home).toContain('Onboarding template: Standard onboarding (the default)');
    expect(home).toContain('[ Edit template ]');

    const opened = app.slack.callsTo('views.open').length;
    expect((await app.action(ACTIONS.templateEdit, 'template', 'UADMIN')).status).toBe(200);
    const modal = (await app.until(() => app.slack.callsTo('views.open')[opened], 'the editor')).args
      .view as {
      private_metadata: string;
      blocks: { element?: { initial_value?: string } }[];
    };
    expect(blocksToText(modal.blocks as unknown[])).toContain(
      'the 1 account already onboarding keeps the plan',
    );
    expect(modal.blocks[2]!.element!.initial_value).toBe(templateToText(DEFAULT_MILESTONES));

    const values = (text: string) => ({
      [TEMPLATE_BLOCK]: { [TEMPLATE_INPUT]: { type: 'plain_text_input', value: text } },
    });
    const bad = await app.viewSubmission(
      VIEWS.template,
      modal.private_metadata,
      'UADMIN',
      values('Kickoff | soon'),
    );
    expect(bad.json).toEqual({
      response_action: 'errors',
      errors: { [TEMPLATE_BLOCK]: 'Line 1: after the name, how many days it takes, like `7 days`.' },
    });
    const member = await app.viewSubmission(
      VIEWS.template,
      modal.private_metadata,
      'UMEMBER',
      values('A | 1 day'),
    );
    expect(JSON.stringify(member.json)).toContain('Only workspace admins and Thread admins');
    const forged = await app.viewSubmission(VIEWS.template, 'not-a-template', 'UADMIN', values('A | 1 day'));
    expect(JSON.stringify(forged.json)).toContain('no longer there');
    expect((await defaultTemplate(db(), app.teamId)).version).toBe(1);

    const good = await app.viewSubmission(
      VIEWS.template,
      modal.private_metadata,
      'UADMIN',
      values(
        'Kickoff call | 2 days | Meet.\n  + message after 0 h: Hi {account}!\nGo live | 10 days | | go-live',
      ),
    );
    expect(good.status).toBe(200);
    await app.until(
      () =>
        String(app.slack.homeOf('UADMIN')?.blocks && JSON.stringify(app.slack.homeOf('UADMIN'))).includes(
          'version 2',
        ) || undefined,
      'the saved note',
    );
    expect((await defaultTemplate(db(), app.teamId)).version).toBe(2);
    expect(await account('After Co')).toEqual([{ name: 'Kickoff call' }, { name: 'Go live' }]);
    expect(
      await db()
        .selectFrom('account_milestones as m')
        .innerJoin('accounts as a', 'a.id', 'm.account_id')
        .select('m.name')
        .where('a.name', '=', 'Before Co')
        .execute(),
    ).toHaveLength(6);
  });

  it('members see the template but no Edit button, and a forged click is refused', async () => {
    const home = blocksToText((await app.openHome('UMEMBER')).blocks as unknown[]);
    expect(home).toContain('Onboarding template:');
    expect(home).not.toContain('[ Edit template ]');
    const opened = app.slack.callsTo('views.open').length;
    await app.action(ACTIONS.templateEdit, 'template', 'UMEMBER');
    await app.until(
      () =>
        JSON.stringify(app.slack.homeOf('UMEMBER')).includes(
          'Only workspace admins and Thread admins can change the onboarding template',
        ) || undefined,
      'the refusal',
    );
    expect(app.slack.callsTo('views.open')).toHaveLength(opened);
  });
});
