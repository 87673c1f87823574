/**
 * One Thread serves many workspaces from one database, so every read and every change is scoped to the
 * workspace the request came from. Here a neighbouring workspace has its own accounts, plan and CSM pool
 * in the same tables — with the same CSM user id on both sides, as Enterprise Grid gives one person one id
 * across its workspaces — and nothing of it shows in this workspace's commands, Home or account view, and
 * nothing of it can be changed from here, even with its real ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { ACTIONS } from '../../src/views/ids.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { makeAccount } from '../channels/helpers.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/app.js';
import { blockActionPayload, interactivityBody, postSigned } from '../helpers/slack-requests.js';

const NEIGHBOUR = 'T0NEIGHBOUR';
/** The CSM in both workspaces (one Grid user). */
const CSM = 'UMEMBER';
let app: TestApp;
let ours: string;
let theirs: string;
const db = () => app.thread.services.db;

async function account(teamId: string, name: string): Promise<string> {
  const id = await makeAccount(app, name, { teamId, csm: CSM });
  await applyTemplate(db(), id, { startDate: '2026-12-01' });
  return id;
}

const milestonesOf = (accountId: string) =>
  db()
    .selectFrom('account_milestones')
    .select(['id', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();

async function click(actionId: string, value: string, where: 'modal' | 'home', viewing = ours) {
  const base = blockActionPayload({
    teamId: app.teamId,
    userId: CSM,
    actionId,
    value,
    responseUrl: app.slack.responseUrl(),
  });
  const payload =
    where === 'modal'
      ? {
          ...base,
          container: { type: 'view', view_id: 'VACCOUNT' },
          view: { id: 'VACCOUNT', type: 'modal', team_id: app.teamId, private_metadata: viewing },
        }
      : base;
  const res = await postSigned(`${app.url}/slack/events`, interactivityBody(payload), {
    secret: SIGNING_SECRET,
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  app = await startTestApp();
  expect(JSON.stringify(await app.commandReply(`csm add <@${CSM}|mo>`))).toContain('CSM pool');
  ours = await account(app.teamId, 'Home Team Co');
  theirs = await account(NEIGHBOUR, 'Neighbour Co');
  await db()
    .insertInto('csm_pool')
    .values({ team_id: NEIGHBOUR, user_id: 'UNEIGHBOURCSM', capacity: 5 })
    .execute();
});
afterAll(async () => {
  await app?.stop();
});

describe("another workspace's data, in the same database", () => {
  it('never shows: /thread accounts, /thread account, /thread csm list, the Home', async () => {
    const list = JSON.stringify(await app.commandReply('accounts'));
    expect(list).toContain('Home Team Co');
    expect(list).not.toContain('Neighbour Co');

    const one = JSON.stringify(await app.commandReply('account Neighbour Co'));
    expect(one).toContain('No account matches');
    expect(one).not.toContain('Kickoff call');
    expect(one).not.toContain(theirs);

    const pool = JSON.stringify(await app.commandReply('csm list'));
    expect(pool).not.toContain('UNEIGHBOURCSM');

    const home = blocksToText((await app.openHome(CSM)).blocks as unknown[]);
    expect(home).toContain('Your accounts (1)');
    expect(home).toContain('Home Team Co');
    expect(home).not.toContain('Neighbour Co');
  });

  it('cannot be changed from here: the command by name, the buttons with its real ids', async () => {
    const before = await milestonesOf(theirs);
    expect(before[0]!.status).toBe('in_progress');

    // The answer a name no workspace has gets: not a refusal that would say the account exists.
    const answer = JSON.stringify(await app.commandReply('milestone done Neighbour Co 1', CSM));
    expect(answer).toContain('No account matches');
    expect(answer).not.toContain('Did you mean');
    await click(ACTIONS.milestoneDone, before[0]!.id, 'modal');
    await click(ACTIONS.milestoneStart, before[1]!.id, 'modal', theirs);
    await click(ACTIONS.milestoneDone, before[0]!.id, 'home');
    const opened = app.slack.callsTo('views.open').length;
    await click(ACTIONS.accountOpen, theirs, 'home');
    // Let the acked clicks finish their work before looking.
    await new Promise((r) => setTimeout(r, 500));

    expect(await milestonesOf(theirs)).toEqual(before);
    expect(app.slack.callsTo('views.open')).toHaveLength(opened);
    const shown = JSON.stringify(
      app.slack.calls.filter((c) => c.method.startsWith('views.')).map((c) => c.args),
    );
    expect(shown).not.toContain('Neighbour Co');
  });
});
