/**
 * Milestones through the real app: a HubSpot deal closes (webhook → handoff), the CSM works the plan
 * from App Home's account view, their DM and `/thread milestone`, and each completion gives exactly one
 * progress post in the customer channel (right content, a celebration at go-live), one note under the
 * handoff post, and the progress written back to the HubSpot deal. Template actions fall due when their
 * milestone starts: a Slack message at once, an email some hours later, each done once.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { defaultTemplate, editTemplate } from '../../src/domain/accounts/templates.js';
import { MILESTONE_ACTION_JOB, scheduleActions } from '../../src/domain/milestones/actions.js';
import { ACTIONS } from '../../src/views/ids.js';
import { blocksToText, mrkdwnToText } from '../../src/views/plain-text.js';
import { addPeople, makeAccount, NAMES, reply } from '../channels/helpers.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import type { MicrosoftEmulator } from '../emulators/microsoft.js';
import { checkBlock } from '../emulators/slack.js';
import { SIGNING_SECRET } from '../helpers/app.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { blockActionPayload, interactivityBody, postSigned } from '../helpers/slack-requests.js';
import { CHANNEL, CSM, handoffSetUp } from '../triggers/polling.js';

const world = useConnectorWorld();
const NAME = 'Wayne <!channel> Enterprises';
const DEAL = '8801';
let hubspot: HubSpotEmulator;
let microsoft: MicrosoftEmulator;
let accountId: string;
let customerChannel: string;
const db = () => world.app.thread.services.db;

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  microsoft = world.emulators.byId.microsoft as MicrosoftEmulator;
  await connectVia(world.app, hubspot, 'hubspot');
  await connectVia(world.app, microsoft, 'microsoft');
  await handoffSetUp(world);
  addPeople(world.app);
  // The team's template: the default one, with an email to the customer 2 hours after kickoff starts.
  const template = await defaultTemplate(db(), world.app.teamId);
  await editTemplate(
    db(),
    template.templateId,
    template.milestones.map((m, i) =>
      i === 0
        ? {
            ...m,
            actions: [
              ...(m.actions ?? []),
              {
                type: 'email' as const,
                delay_hours: 2,
                to: 'customer' as const,
                subject: 'Welcome to onboarding, {account}',
                body: 'Hello!\n\nYour kickoff is being planned. — {csm}',
              },
            ],
          }
        : m,
    ),
    'UADMIN',
  );
  hubspot.crm.contacts.push({
    id: '88011',
    properties: { firstname: 'Bruce', lastname: 'W', email: 'bruce@wayne.example' },
  });
  hubspot.crm.associations[DEAL] = { contacts: ['88011'] };
  hubspot.deals.push({
    id: DEAL,
    properties: { dealname: NAME, dealstage: 'closedwon', pipeline: 'default', amount: '5000' },
  });
  const res = await postHubSpot(
    `${world.app.url}/webhooks/hubspot`,
    [dealStageEvent(hubspot.portal.id, { dealId: Number(DEAL) })],
    { secret: world.emulators.env.HUBSPOT_CLIENT_SECRET! },
  );
  expect(res.status).toBe(200);
  const run = await world.app.until(
    async () =>
      (await db().selectFrom('workflow_runs').selectAll().where('external_id', '=', DEAL).execute()).find(
        (r) => r.status !== 'running',
      ),
    'the handoff run',
    30_000,
  );
  expect(run.status).toBe('completed');
  accountId = run.account_id!;
  expect(await reply(world.app, `channel create ${NAME}`)).toContain('Created');
  customerChannel = (await account()).customer_channel_id!;
  expect(customerChannel).toBeTruthy();
}, 60_000);

const account = () =>
  db().selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
const milestones = () =>
  db()
    .selectFrom('account_milestones')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
const idOf = async (name: string) => (await milestones()).find((m) => m.name === name)!.id;

/** Thread's posts in a channel (delivered ones, as Slack stored them), read as a person reads them. */
function postsIn(channel: string, opts: { thread?: string } = {}): string[] {
  return (world.app.slack.messages.get(channel) ?? [])
    .filter((m) => (opts.thread ? m.thread_ts === opts.thread : !m.thread_ts || m.thread_ts === m.ts))
    .map((m) =>
      m.blocks ? blocksToText(m.blocks, { names: NAMES }) : mrkdwnToText(String(m.text), { names: NAMES }),
    );
}

/** Every delivery is posted (none pending): only then is "exactly one post" a fact. */
async function drained(): Promise<void> {
  await world.app.until(
    async () => {
      const pending = await db()
        .selectFrom('deliveries')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return pending.n === 0 || undefined;
    },
    'every delivery posted',
    20_000,
  );
}

/** A button click as Slack sends it from a modal, a message (DM) or App Home. */
async function click(
  actionId: string,
  value: string,
  userId: string,
  where: 'modal' | 'message' | 'home',
  /** The account view's account (its private_metadata), for a click in the modal. */
  viewing = accountId,
): Promise<{ status: number; responseUrl: string }> {
  const responseUrl = world.app.slack.responseUrl();
  const base = blockActionPayload({ teamId: world.app.teamId, userId, actionId, value, responseUrl });
  const payload =
    where === 'modal'
      ? {
          ...base,
          container: { type: 'view', view_id: 'VACCOUNT' },
          view: { id: 'VACCOUNT', type: 'modal', team_id: world.app.teamId, private_metadata: viewing },
        }
      : where === 'message'
        ? {
            ...base,
            container: { type: 'message', message_ts: '1.000', channel_id: `D${userId}` },
            view: undefined,
            channel: { id: `D${userId}` },
            message: { ts: '1.000', text: 'dm' },
          }
        : base;
  const res = await postSigned(`${world.app.url}/slack/events`, interactivityBody(payload), {
    secret: SIGNING_SECRET,
  });
  return { status: res.status, responseUrl };
}

/** The notes in the thread under the account's handoff post. */
const handoffNotes = () => {
  const handoff = (world.app.slack.messages.get(CHANNEL) ?? []).find((m) =>
    String(m.text).includes('Wayne'),
  )!;
  return postsIn(CHANNEL, { thread: handoff.ts });
};
/** Waits until the HubSpot deal shows `progress` (written back by a job). */
const dealProgress = (progress: string) =>
  world.app.until(
    () =>
      hubspot.deals.find((d) => d.id === DEAL)!.properties.thread_onboarding_progress === progress ||
      undefined,
    'the progress on the deal',
  );

const viewCalls = (method: 'views.open' | 'views.update' | 'views.push') =>
  world.app.slack.callsTo(method).map((c) => c.args.view as { blocks: unknown[] });
const homesOf = (user: string) =>
  world.app.slack
    .callsTo('views.publish')
    .filter((c) => c.args.user_id === user)
    .map((c) => c.args.view as { blocks: unknown[] });

describe('milestones', () => {
  it('App Home lists the CSM’s accounts; Open shows the account view with buttons only for those who may use them', async () => {
    const home = await world.app.openHome(CSM);
    const text = blocksToText(home.blocks as unknown[], { names: NAMES });
    expect(text).toContain('Your accounts (1)');
    expect(text).toContain('Wayne <!channel> Enterprises — 0/6 milestones · now: Kickoff call, due');
    expect(JSON.stringify(home)).not.toContain('<!channel>');

    const opened = viewCalls('views.open').length;
    expect((await click(ACTIONS.accountOpen, accountId, CSM, 'home')).status).toBe(200);
    const view = await world.app.until(() => viewCalls('views.open')[opened], 'the account view');
    for (const b of view.blocks) expect(checkBlock(b as Record<string, unknown>)).toBeUndefined();
    const shown = blocksToText(view.blocks, { names: NAMES });
    expect(shown).toContain('Milestones — 0 of 6 done');
    expect(shown).toContain('🔄 in progress — Kickoff call');
    expect(shown).toContain('⬜ to do — Technical setup');
    expect(JSON.stringify(view.blocks)).toContain(ACTIONS.milestoneStart);
    // Skip under every open milestone but the go-live one (it is what makes the account live).
    expect(JSON.stringify(view.blocks).split(`"${ACTIONS.milestoneSkip}"`)).toHaveLength(6);

    // UAE works here but is not this account's CSM: the same facts, no buttons.
    await click(ACTIONS.accountOpen, accountId, 'UAE', 'home');
    const theirs = await world.app.until(() => viewCalls('views.open')[opened + 1], 'their account view');
    expect(JSON.stringify(theirs.blocks)).not.toContain(ACTIONS.milestoneStart);
    expect(JSON.stringify(theirs.blocks)).not.toContain(ACTIONS.milestoneSkip);
    expect(blocksToText(theirs.blocks)).toContain('Kickoff call');
  });

  it('the plan starts with the handoff: the welcome, queued then, is posted once when the channel is created', async () => {
    expect((await milestones())[0]!.status).toBe('in_progress');
    await world.app.until(
      () => postsIn(customerChannel).some((p) => p.includes('Welcome to onboarding')) || undefined,
      'the welcome',
    );
    await drained();
    const welcome = postsIn(customerChannel).filter((p) => p.includes('Welcome to onboarding'));
    expect(welcome).toEqual([
      '👋 Welcome to onboarding, Wayne <!channel> Enterprises! @mo leads it with you. First up: Kickoff call. Reply here any time with questions.',
    ]);
    // The email action is due two hours after the start, as its own job.
    const actions = await db()
      .selectFrom('milestone_actions')
      .selectAll()
      .where('milestone_id', '=', await idOf('Kickoff call'))
      .orderBy('position')
      .execute();
    const started = (await milestones())[0]!.started_at!;
    expect(actions.map((a) => a.status)).toEqual(['sent', 'scheduled']);
    expect(actions[1]!.due_at.getTime() - started.getTime()).toBe(2 * 3600_000);
    const job = await sql<{ start_after: Date }>`select start_after from pgboss.job
      where name = ${MILESTONE_ACTION_JOB} and data->>'position' = '1'`.execute(db());
    expect(job.rows[0]!.start_after.getTime()).toBe(actions[1]!.due_at.getTime());
  });

  it('Start in the account view: the milestone starts and the view redraws with what happened', async () => {
    const other = await makeAccount(world.app, 'Other Co', { csm: CSM });
    await applyTemplate(db(), other);
    const second = (
      await db()
        .selectFrom('account_milestones')
        .select('id')
        .where('account_id', '=', other)
        .where('position', '=', 1)
        .executeTakeFirstOrThrow()
    ).id;
    const updated = viewCalls('views.update').length;
    const homes = homesOf(CSM).length;
    await click(ACTIONS.milestoneStart, second, CSM, 'modal', other);
    const view = await world.app.until(() => viewCalls('views.update')[updated], 'the redrawn view');
    // The Home under the view follows: Other Co is listed there now, as it is.
    const home = await world.app.until(() => homesOf(CSM)[homes], 'the Home under the view');
    expect(blocksToText(home.blocks, { names: NAMES })).toContain('Other Co — 0/6 milestones');
    const shown = blocksToText(view.blocks, { names: NAMES });
    expect(shown).toContain('🔄 Technical setup is in progress for Other Co.');
    expect(shown).toContain('🔄 in progress — Technical setup');
    expect(JSON.stringify(view.blocks)).toContain(ACTIONS.milestoneDone);
    // Not theirs to start: refused in the view itself, nothing changed.
    const third = await db()
      .selectFrom('account_milestones')
      .select(['id', 'status'])
      .where('account_id', '=', other)
      .where('position', '=', 2)
      .executeTakeFirstOrThrow();
    await click(ACTIONS.milestoneStart, third.id, 'UAE', 'modal', other);
    const refused = await world.app.until(() => viewCalls('views.update')[updated + 1], 'the refusal');
    expect(blocksToText(refused.blocks)).toContain('Only the account’s CSM');
    expect(JSON.stringify(refused.blocks)).not.toContain(ACTIONS.milestoneStart);
    // Skip in the view: the CSM's click skips it, and the view says so.
    await click(ACTIONS.milestoneSkip, third.id, CSM, 'modal', other);
    const skipped = await world.app.until(() => viewCalls('views.update')[updated + 2], 'the skip');
    const after = blocksToText(skipped.blocks, { names: NAMES });
    expect(after).toContain('⏭️ Data import is skipped for Other Co');
    expect(after).toContain('⏭️ skipped — Data import');
  });

  it('/thread milestone done: one progress post with the right content, one note in the handoff thread, the deal updated', async () => {
    const said = await reply(world.app, `milestone done ${NAME} Kickoff call`, CSM);
    expect(said).toContain('✅ Kickoff call is done for Wayne <!channel> Enterprises.');
    expect(said).toContain(`Thread is posting the progress to #${customerChannel}.`);
    await drained();
    const posts = postsIn(customerChannel).filter((p) => p.includes('is complete'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('✅ Kickoff call is complete.');
    expect(posts[0]).toContain('▰▰▱▱▱▱▱▱▱▱ 1 of 6 milestones done (17%)');
    expect(posts[0]).toMatch(/Next: Technical setup — due \w{3} \d+, \d{4}/);
    expect(posts[0]).toMatch(/After that: Data import — due/);
    expect(posts[0]).toContain('Your onboarding lead: @mo');
    expect(posts[0]).not.toContain('@channel');

    expect(handoffNotes()).toEqual(['✅ Kickoff call done by @mo — 1/6. Next: Technical setup.']);

    expect((await milestones()).map((m) => m.status)).toEqual([
      'done',
      'in_progress',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    await dealProgress('1 of 6 milestones done · next: Technical setup');
  });

  it('completed twice (the command again, two clicks at once) → still one post each', async () => {
    expect(await reply(world.app, `milestone done wayne kickoff`, CSM)).toContain('was already done');
    const technical = await idOf('Technical setup');
    const [a, b] = await Promise.all([
      click(ACTIONS.milestoneDone, technical, CSM, 'message'),
      click(ACTIONS.milestoneDone, technical, CSM, 'message'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await world.app.until(
      () =>
        world.app.slack.responses.filter((r) => [a.responseUrl, b.responseUrl].includes(r.url)).length ===
          2 || undefined,
      'both clicks answered',
    );
    await drained();
    expect(postsIn(customerChannel).filter((p) => p.includes('Kickoff call is complete'))).toHaveLength(1);
    expect(postsIn(customerChannel).filter((p) => p.includes('Technical setup is complete'))).toHaveLength(1);
    // The click that changed it replaced the DM with the outcome and the next milestone's button.
    const answers = world.app.slack.responses.filter((r) => [a.responseUrl, b.responseUrl].includes(r.url));
    const replaced = answers.find((r) => r.body.replace_original === true)!;
    expect(blocksToText(replaced.body.blocks as unknown[])).toContain('Technical setup is done');
    expect(JSON.stringify(replaced.body.blocks)).toContain(ACTIONS.milestoneDone);
    expect(answers.find((r) => r.body.replace_original !== true)!.body.text).toContain('was already done');
  });

  it('refuses people who may not, and ids that are not the team’s', async () => {
    const data = await idOf('Data import');
    const outsider = await click(ACTIONS.milestoneDone, data, 'UCUST', 'message');
    const said = await world.app.until(
      () => world.app.slack.responses.find((r) => r.url === outsider.responseUrl),
      'refusal',
    );
    expect(said.body.text).toContain('Only the account’s CSM (<@UMEMBER>) or a Thread admin');
    expect(await reply(world.app, `milestone done ${NAME} Data import`, 'UAE')).toContain(
      'Only the account’s CSM',
    );
    const forged = await click(ACTIONS.milestoneDone, 'not-a-uuid', CSM, 'message');
    const no = await world.app.until(
      () => world.app.slack.responses.find((r) => r.url === forged.responseUrl),
      'forged',
    );
    expect(no.body.text).toContain('no longer on the account’s plan');
    expect((await milestones())[2]!.status).toBe('in_progress');
    expect(await reply(world.app, 'milestone done', CSM)).toContain(
      '/thread milestone done <account> <milestone>',
    );
    expect(await reply(world.app, 'milestone done Nobody Inc kickoff', CSM)).toContain('No account');
    expect(await reply(world.app, `milestone done ${NAME} zzz`, CSM)).toContain(
      'Its milestones:\n1. Kickoff call',
    );
  });

  it('a manager’s completion DMs the CSM the next milestone with its button', async () => {
    await reply(world.app, `milestone done ${NAME} 3`, 'UADMIN');
    await drained();
    const dm = (world.app.slack.messages.get(`D${CSM}`) ?? []).map((m) =>
      blocksToText(m.blocks ?? [], { names: NAMES }),
    );
    expect(dm.some((t) => t.includes('Training is in progress (started by @ana)'))).toBe(true);
    const raw = JSON.stringify(world.app.slack.messages.get(`D${CSM}`));
    expect(raw).toContain(ACTIONS.milestoneDone);
  });

  it('skip: a milestone this customer does not need counts as done, the thread and the deal hear of it, the customer channel does not', async () => {
    // Training carries an email to the customer an hour after it starts (as a team's template may).
    const training = await idOf('Training');
    await db()
      .updateTable('account_milestones')
      .set({
        actions: JSON.stringify([
          { type: 'email', delay_hours: 1, to: 'customer', subject: 'Training', body: 'See you there.' },
        ]),
      })
      .where('id', '=', training)
      .execute();
    expect(await scheduleActions(world.app.thread.services, world.app.teamId, training)).toBe(1);
    const before = postsIn(customerChannel).length;
    const mails = microsoft.sentMail.length;
    const said = await reply(world.app, `milestone skip ${NAME} Training`, CSM);
    expect(said).toContain('⏭️ Training is skipped for Wayne <!channel> Enterprises');
    expect(said).toContain('Next: Go-live review.');
    expect(await reply(world.app, `milestone skip ${NAME} Training`, CSM)).toContain('was already skipped');
    // Go-live is what makes the account live: never skipped.
    expect(await reply(world.app, `milestone skip ${NAME} Go-live review`, CSM)).toContain(
      'cannot be skipped: mark it done when the customer is live',
    );
    expect(await reply(world.app, `milestone skip ${NAME} Training`, 'UAE')).toContain(
      'Only the account’s CSM',
    );
    await drained();

    expect((await milestones()).map((m) => m.status)).toEqual([
      'done',
      'done',
      'done',
      'skipped',
      'in_progress',
      'pending',
    ]);
    expect(postsIn(customerChannel)).toHaveLength(before);
    expect(handoffNotes().filter((n) => n.startsWith('⏭️'))).toEqual([
      '⏭️ Training skipped by @mo — 4/6. Next: Go-live review.',
    ]);
    await dealProgress('4 of 6 milestones done · next: Go-live review');
    // Its email falls due: a skipped milestone says nothing to the customer.
    await world.app.thread.jobs.send(MILESTONE_ACTION_JOB, { milestoneId: training, position: 0 });
    const action = await world.app.until(
      async () =>
        (await db()
          .selectFrom('milestone_actions')
          .select(['status', 'detail'])
          .where('milestone_id', '=', training)
          .where('status', '=', 'skipped')
          .executeTakeFirst()) ?? undefined,
      'the action skipped',
    );
    expect(action.detail).toBe('the milestone was skipped');
    expect(microsoft.sentMail).toHaveLength(mails);
  });

  it('go-live: a celebration in the customer channel, the account live, the deal says so', async () => {
    // Training was skipped (above): done now, it says so and posts nothing.
    expect(await reply(world.app, `milestone done ${NAME} Training`, CSM)).toContain('was skipped');
    await reply(world.app, `milestone done ${NAME} Go-live review`, CSM);
    await drained();
    const live = postsIn(customerChannel).filter((p) => p.includes('is live!'));
    expect(live).toHaveLength(1);
    expect(live[0]).toContain('🎉 Wayne <!channel> Enterprises is live! Congratulations');
    expect(live[0]).toContain('5 of 6 milestones done');
    expect(live[0]).toContain('Next: 30-day check-in');
    const a = await account();
    expect(a.stage).toBe('live');
    expect(a.live_at).toBeInstanceOf(Date);
    await world.app.until(
      () =>
        hubspot.deals.find((d) => d.id === DEAL)!.properties.thread_onboarding_stage === 'live' || undefined,
      'the deal live',
    );
  });

  it('the email action, when due: sent once to the customer’s contacts through Microsoft 365', async () => {
    const kickoff = await idOf('Kickoff call');
    const before = microsoft.sentMail.length;
    const jobs = world.app.thread.jobs;
    await jobs.send(MILESTONE_ACTION_JOB, { milestoneId: kickoff, position: 1 });
    await jobs.send(MILESTONE_ACTION_JOB, { milestoneId: kickoff, position: 1 });
    await world.app.until(async () => {
      const row = await db()
        .selectFrom('milestone_actions')
        .select('status')
        .where('milestone_id', '=', kickoff)
        .where('position', '=', 1)
        .executeTakeFirstOrThrow();
      return row.status === 'sent' || undefined;
    }, 'the email sent');
    await new Promise((r) => setTimeout(r, 500));
    const sent = microsoft.sentMail.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to.map((r) => r.address)).toEqual(['bruce@wayne.example']);
    expect(sent[0]!.subject).toBe('Welcome to onboarding, Wayne <!channel> Enterprises');
    expect(sent[0]!.content).toContain('<p>Your kickoff is being planned. — your CSM</p>');
  });

  it('silent accounts are flagged on their CSM’s Home after the team’s number of days', async () => {
    expect(await reply(world.app, 'channel silent 0')).toContain('from 1 to 365');
    expect(await reply(world.app, 'channel silent 3', CSM)).toContain(
      'only workspace admins and Thread admins',
    );
    expect(await reply(world.app, 'channel silent 3')).toContain('after 3 days');
    const quiet = await makeAccount(world.app, 'Quiet Co', { csm: CSM, channel: 'CQUIETCO' });
    await db()
      .updateTable('accounts')
      .set({ created_at: sql`now() - interval '4 days'` })
      .where('id', '=', quiet)
      .execute();
    const home = blocksToText((await world.app.openHome(CSM)).blocks as unknown[], { names: NAMES });
    expect(home).toContain('Silent for 3+ days');
    expect(home).toContain('Quiet Co in #CQUIETCO — no customer engagement yet');
  });
});
