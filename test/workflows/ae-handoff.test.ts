/**
 * The AE's handoff in Slack, through the real app: the deal's owner (read from HubSpot's owners API) is
 * found in Slack by email and DMed a "Complete handoff" button; the button opens the modal prefilled from
 * the CRM; the signed submission is kept on the account, delivered to the CSM and confirmed to the AE.
 * Forged clicks and submissions, empty and oversize fields, and a second submission each get a clear
 * answer and change nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/views/ids.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { SIGNING_SECRET } from '../helpers/app.js';
import { blockActionPayload, interactivityBody, postSigned } from '../helpers/slack-requests.js';
import {
  addDeal,
  CHANNEL,
  CSM,
  closeDeal,
  db,
  deliveriesDone,
  handoffDone,
  postsTo,
  useHandoffWorld,
} from './handoff-world.js';

const world = useHandoffWorld();
const AE = 'UAE0SELLER';
const owner = { id: '8201', email: 'Alex.Seller@ourco.example', firstName: 'Alex', lastName: 'Seller' };
let runId: string;

beforeAll(async () => {
  world.app.slack.addUser({ id: AE, name: 'alex.seller', email: 'alex.seller@ourco.example' });
  addDeal(world, {
    id: '7001',
    name: 'Stark Industries',
    owner,
    company: { name: 'Stark', domain: 'stark.example' },
    contacts: [
      { firstname: 'Pepper', lastname: 'Potts', email: 'pepper@stark.example', jobtitle: 'CEO' },
      { firstname: 'Happy', lastname: 'Hogan', email: 'happy@stark.example' },
    ],
    description: 'Promised SSO by January.',
  });
  await closeDeal(world, '7001');
  runId = (await handoffDone(world, '7001')).id;
});

/** Clicks the button as `userId` (of `teamId`); returns the HTTP answer and what was said back ephemerally. */
async function click(value: string, userId: string, teamId = world.app.teamId) {
  const responseUrl = world.app.slack.responseUrl();
  const res = await postSigned(
    `${world.app.url}/slack/events`,
    interactivityBody(
      blockActionPayload({ teamId, userId, actionId: ACTIONS.completeHandoff, value, responseUrl }),
    ),
    { secret: SIGNING_SECRET },
  );
  return { res, said: () => world.app.slack.responses.find((r) => r.url === responseUrl)?.body };
}

const field = (value: string) => ({ value, type: 'plain_text_input' });
const form = (f: Partial<Record<'goals' | 'stakeholders' | 'risks' | 'notes', string>>) =>
  Object.fromEntries(
    Object.entries(f).map(([k, v]) => [`handoff_${k}`, { [`handoff_${k}`]: field(v) }]),
  ) as Record<string, Record<string, unknown>>;

describe("the AE's handoff in Slack", () => {
  it('the AE, found by email, gets one DM with the button; the run and the post say so', async () => {
    const run = await db(world)
      .selectFrom('workflow_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    expect((run.context as { ae: unknown }).ae).toEqual({ state: 'asked', userId: AE, dm: `D${AE}` });
    const lookups = world.app.slack.callsTo('users.lookupByEmail');
    expect(lookups.at(-1)!.args.email).toBe(owner.email);
    const dms = postsTo(world, `D${AE}`, ACTIONS.completeHandoff);
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]!.args.blocks)).toContain(`"value":"${runId}"`);
    const post = blocksToText(postsTo(world, CHANNEL, 'Stark Industries')[0]!.args.blocks as unknown[]);
    expect(post).toContain(`AE (deal owner): @${AE}`);
    expect(post).toContain(`AE handoff: @${AE} was asked in Slack to complete it.`);
    expect(post).toContain('Company: Stark (stark.example)');
    expect(post).toContain(
      'Contacts: Pepper Potts, CEO (pepper@stark.example); Happy Hogan (happy@stark.example)',
    );
  });

  it('the button opens the modal prefilled from the CRM', async () => {
    const before = world.app.slack.callsTo('views.open').length;
    const { res } = await click(runId, AE);
    expect(res.status).toBe(200);
    await world.app.until(() => world.app.slack.callsTo('views.open').length > before, 'the modal');
    const view = world.app.slack.callsTo('views.open').at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string; max_length?: number } }[];
    };
    expect(view.callback_id).toBe(VIEWS.completeHandoff);
    expect(view.private_metadata).toBe(runId);
    const initial = (id: string) => view.blocks.find((b) => b.block_id === id)?.element?.initial_value;
    expect(initial('handoff_stakeholders')).toBe(
      'Pepper Potts, CEO (pepper@stark.example)\nHappy Hogan (happy@stark.example)',
    );
    expect(initial('handoff_notes')).toBe('Promised SSO by January.');
    expect(initial('handoff_goals')).toBeUndefined();
    expect(view.blocks.find((b) => b.block_id === 'handoff_goals')?.element?.max_length).toBe(2000);
  });

  it('a click by someone else is refused with an ephemeral answer; another workspace is not served', async () => {
    const before = world.app.slack.callsTo('views.open').length;
    const member = await click(runId, 'UMEMBER');
    const said = await world.app.until(member.said, 'the ephemeral refusal');
    expect(said).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(said.text)).toContain(
      `Only <@${AE}>, the AE on this deal, or a Thread admin can complete this handoff.`,
    );
    const forged = await click('not-a-run', AE);
    expect(String((await world.app.until(forged.said, 'refusal')).text)).toContain('not one of Thread’s');
    const other = await click(runId, AE, 'T0OTHER');
    expect(other.res.text).toBe('Thread is not installed in this workspace.');
    await new Promise((r) => setTimeout(r, 200));
    expect(world.app.slack.callsTo('views.open')).toHaveLength(before);
    // A workspace admin may complete it for the AE.
    await click(runId, 'UADMIN');
    await world.app.until(
      () => world.app.slack.callsTo('views.open').length > before,
      'the modal for an admin',
    );
  });

  it('bad submissions get their errors in the modal and save nothing', async () => {
    const empty = await world.app.viewSubmission(VIEWS.completeHandoff, runId, AE, form({ goals: '   ' }));
    expect(empty.json).toEqual({
      response_action: 'errors',
      errors: { handoff_goals: 'Please fill in customer goals.' },
    });
    const long = await world.app.viewSubmission(
      VIEWS.completeHandoff,
      runId,
      AE,
      form({ goals: 'Go live', risks: 'r'.repeat(5000) }),
    );
    expect(long.json).toEqual({
      response_action: 'errors',
      errors: { handoff_risks: 'At most 2000 characters (this has 5000).' },
    });
    const stranger = await world.app.viewSubmission(
      VIEWS.completeHandoff,
      runId,
      'UMEMBER',
      form({ goals: 'x' }),
    );
    expect(stranger.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(stranger.json)).toContain('Only <@UAE0SELLER>');
    const forged = await world.app.viewSubmission(
      VIEWS.completeHandoff,
      '00000000-0000-0000-0000-000000000000',
      AE,
      form({ goals: 'x' }),
    );
    expect(JSON.stringify(forged.json)).toContain('This handoff no longer exists.');
    expect(await db(world).selectFrom('ae_handoffs').selectAll().execute()).toEqual([]);
  });

  it('the submission is kept on the account, delivered to the CSM once, and the AE is told', async () => {
    const goals = `Go live by Q1 <!channel> <@U123> *bold* :rocket: ${'g'.repeat(1900)}`;
    const ok = await world.app.viewSubmission(
      VIEWS.completeHandoff,
      runId,
      AE,
      form({ goals, stakeholders: 'Pepper (CEO)', risks: 'SSO', notes: '' }),
    );
    expect(ok.status).toBe(200);
    expect(ok.json ?? {}).toEqual({});
    const saved = await db(world).selectFrom('ae_handoffs').selectAll().execute();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      run_id: runId,
      submitted_by: AE,
      goals: goals.trim(),
      risks: 'SSO',
      notes: '',
    });
    expect(saved[0]!.account_id).not.toBeNull();
    await deliveriesDone(world, runId);
    const toCsm = postsTo(world, `D${CSM}`, 'Handoff: Stark Industries');
    expect(toCsm).toHaveLength(1);
    const sent = JSON.stringify(toCsm[0]!.args);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@U123>');
    const text = blocksToText(toCsm[0]!.args.blocks as unknown[]);
    expect(text).toContain(`@${AE} completed the handoff for @${CSM}.`);
    expect(text).toContain('Risks:\nSSO');
    expect(text).toContain('Notes:\nnot given');
    const confirmed = postsTo(world, `D${AE}`, 'was sent to');
    expect(confirmed).toHaveLength(1);
    expect(blocksToText(confirmed[0]!.args.blocks as unknown[])).toContain(
      `The handoff for Stark Industries was sent to @${CSM}.`,
    );

    // Submitted again (a double click, a second tab): refused, nothing delivered twice.
    const again = await world.app.viewSubmission(VIEWS.completeHandoff, runId, AE, form({ goals: 'other' }));
    expect(JSON.stringify(again.json)).toContain('already completed');
    const opened = world.app.slack.callsTo('views.open').length;
    const late = await click(runId, AE);
    expect(String((await world.app.until(late.said, 'refusal')).text)).toContain('already completed');
    expect(world.app.slack.callsTo('views.open')).toHaveLength(opened);
    await deliveriesDone(world, runId);
    expect(postsTo(world, `D${CSM}`, 'Handoff: Stark Industries')).toHaveLength(1);
  });

  it('an AE who is not in the workspace gets no DM; the run and the post say why', async () => {
    addDeal(world, {
      id: '7002',
      name: 'Oscorp',
      owner: { id: '8202', email: 'norman@elsewhere.example', firstName: 'Norman', lastName: 'O' },
    });
    await closeDeal(world, '7002');
    const run = await handoffDone(world, '7002');
    expect(run.status).toBe('completed');
    expect((run.context as { ae: unknown }).ae).toEqual({
      state: 'not in slack',
      email: 'norman@elsewhere.example',
    });
    const post = blocksToText(postsTo(world, CHANNEL, 'Oscorp')[0]!.args.blocks as unknown[]);
    expect(post).toContain('AE (deal owner): Norman O (norman@elsewhere.example)');
    expect(post).toContain(
      'AE handoff: norman@elsewhere.example is not in this Slack workspace, so no DM was sent.',
    );
  });
});
