/**
 * The post-meeting DM's buttons through the real app: Mark kickoff complete (the account's kickoff
 * milestone done), Log notes (a modal; notes saved on the meeting and posted under the account's
 * handoff post), Schedule next meeting (a modal; the event created on the connected calendar). Only the
 * account's CSM or an admin may use them; bad submissions keep the modal open with the problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/views/ids.js';
import {
  LENGTH_BLOCK,
  LENGTH_INPUT,
  NOTES_BLOCK,
  NOTES_INPUT,
  WHEN_BLOCK,
  WHEN_INPUT,
} from '../../src/views/modals/meetings.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import { addAccount, addHandoffPost, meetingsOf, postsTo, syncNow } from './helpers.js';

const world = useConnectorWorld();
let google: GoogleEmulator;
let accountId: string;
let meetingId: string;
const HANDOFF_TS = '1764300000.000100';
const db = () => world.app.thread.services.db;

beforeAll(async () => {
  google = world.emulators.byId.google as GoogleEmulator;
  await connectVia(world.app, google, 'google');
  // UMEMBER is the CSM; the account's handoff was posted in C0HANDOFF (as the handoff workflow leaves it).
  accountId = await addAccount(world.app, {
    name: 'Bluth',
    domain: 'bluth.example',
    aeEmail: 'gob@sales.example',
  });
  await addHandoffPost(
    world.app,
    accountId,
    { channel: 'C0HANDOFF', ts: HANDOFF_TS },
    { deal: { contacts: [{ name: 'Lucille', email: 'lucille@bluth.example' }] } },
  );
  const hour = 3600_000;
  google.calendar.put({
    id: 'bluth1',
    summary: 'Bluth kickoff',
    start: { dateTime: new Date(Date.now() + 30 * hour).toISOString() },
    end: { dateTime: new Date(Date.now() + 31 * hour).toISOString() },
    attendees: [{ email: 'lucille@bluth.example' }],
  });
  await syncNow(world.app, 'google');
  meetingId = (await meetingsOf(world.app, accountId))[0]!.id;
});

/** The ephemeral answer to a button, posted to its response_url. */
async function answerTo(actionId: string, value: string, userId: string): Promise<string> {
  const before = world.app.slack.responses.length;
  const res = await world.app.action(actionId, value, userId);
  expect(res.status).toBe(200);
  const reply = await world.app.until(() => world.app.slack.responses[before], `answer to ${actionId}`);
  return String(reply.body.text);
}

const milestone = (name: string) =>
  db()
    .selectFrom('account_milestones')
    .select(['status', 'completed_at'])
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();

describe('post-meeting actions', () => {
  it('Mark kickoff complete: refused for someone else, then the CSM ticks off the kickoff milestone (once)', async () => {
    const refused = await answerTo(ACTIONS.meetingComplete, meetingId, 'UOUTSIDER');
    expect(refused).toContain("Only the account's CSM (<@UMEMBER>)");
    expect((await milestone('Kickoff call')).status).toBe('pending');

    const done = await answerTo(ACTIONS.meetingComplete, meetingId, 'UMEMBER');
    expect(done).toContain('marked complete');
    expect(done).toContain('*Kickoff call* done');
    expect((await milestone('Kickoff call')).status).toBe('done');
    // Through the milestone flow: the next one starts, the customer channel and the handoff thread hear of it.
    expect((await milestone('Go live')).status).toBe('in_progress');
    await world.app.until(
      async () =>
        postsTo(world.app, 'CBLUTH').some((p) => p.text.includes('Kickoff call is complete')) || undefined,
      'the progress post in the customer channel',
    );
    await world.app.until(
      async () =>
        postsTo(world.app, 'C0HANDOFF').some(
          (p) => p.args.thread_ts === HANDOFF_TS && p.text.includes('*Kickoff call* done by <@UMEMBER>'),
        ) || undefined,
      'the note under the handoff post',
    );
    // An admin may too (here: nothing left to tick off).
    const again = await answerTo(ACTIONS.meetingComplete, meetingId, 'UADMIN');
    expect(again).toContain('no kickoff milestone to tick off');
    // A made-up id is not a meeting.
    expect(await answerTo(ACTIONS.meetingComplete, 'not-a-meeting', 'UMEMBER')).toContain('no longer known');
  });

  it('Log notes: a modal; empty notes keep it open; notes are saved and posted in the handoff thread, escaped', async () => {
    const app = world.app;
    const opens = app.slack.callsTo('views.open').length;
    await app.action(ACTIONS.meetingNotes, meetingId, 'UMEMBER');
    const open = await app.until(() => app.slack.callsTo('views.open')[opens], 'the notes modal');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEWS.meetingNotes);
    expect(view.private_metadata).toBe(meetingId);

    const values = (text: string) => ({
      [NOTES_BLOCK]: { [NOTES_INPUT]: { type: 'plain_text_input', value: text } },
    });
    const empty = await app.viewSubmission(VIEWS.meetingNotes, meetingId, 'UMEMBER', values('   '));
    expect(empty.json).toMatchObject({
      response_action: 'errors',
      errors: { [NOTES_BLOCK]: expect.stringContaining('empty') },
    });
    const stranger = await app.viewSubmission(VIEWS.meetingNotes, meetingId, 'UOUTSIDER', values('sneaky'));
    expect(stranger.json).toMatchObject({ response_action: 'errors' });

    const notes = 'They want SSO first. <!channel> ping & <https://evil.example|click>';
    const saved = await app.viewSubmission(VIEWS.meetingNotes, meetingId, 'UMEMBER', values(notes));
    expect(JSON.stringify(saved.json)).toContain('posted in the handoff thread');
    const row = await db()
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', meetingId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ notes, notes_by: 'UMEMBER' });
    const post = await app.until(
      () => postsTo(app, 'C0HANDOFF').find((p) => p.text.includes('Notes from')),
      'notes post',
    );
    expect(post.args.thread_ts).toBe(HANDOFF_TS);
    const shown = JSON.stringify(post.args.blocks);
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
  });

  it('Schedule next meeting: a modal; a past time is refused; a good one lands on Google Calendar with the customer invited', async () => {
    const app = world.app;
    const opens = app.slack.callsTo('views.open').length;
    await app.action(ACTIONS.meetingNext, meetingId, 'UMEMBER');
    const open = await app.until(() => app.slack.callsTo('views.open')[opens], 'the next-meeting modal');
    expect((open.args.view as { callback_id: string }).callback_id).toBe(VIEWS.meetingNext);

    const values = (seconds: number, minutes = '30') => ({
      [WHEN_BLOCK]: { [WHEN_INPUT]: { type: 'datetimepicker', selected_date_time: seconds } },
      [LENGTH_BLOCK]: { [LENGTH_INPUT]: { type: 'static_select', selected_option: { value: minutes } } },
    });
    const past = await app.viewSubmission(
      VIEWS.meetingNext,
      meetingId,
      'UMEMBER',
      values(Math.floor(Date.now() / 1000) - 60),
    );
    expect(past.json).toMatchObject({
      response_action: 'errors',
      errors: { [WHEN_BLOCK]: expect.stringContaining('still to come') },
    });
    const odd = await app.viewSubmission(
      VIEWS.meetingNext,
      meetingId,
      'UMEMBER',
      values(Math.floor(Date.now() / 1000) + 7200, '7'),
    );
    expect(odd.json).toMatchObject({
      response_action: 'errors',
      errors: { [LENGTH_BLOCK]: expect.any(String) },
    });

    const at = Math.floor(Date.now() / 1000 / 60) * 60 + 3 * 86400;
    const ok = await app.viewSubmission(VIEWS.meetingNext, meetingId, 'UMEMBER', values(at, '45'));
    expect(ok.status).toBe(200);
    const followUp = await app.until(
      async () => (await meetingsOf(app, accountId)).find((m) => m.kind === 'follow_up'),
      'the follow-up meeting',
      10_000,
    );
    expect(followUp.starts_at.getTime()).toBe(at * 1000);
    expect(followUp.ends_at.getTime()).toBe(at * 1000 + 45 * 60_000);
    const event = google.calendar.get(followUp.external_id)!;
    expect(event.sendUpdates).toBe('all');
    expect(event.attendees?.map((a) => a.email).sort()).toEqual([
      'gob@sales.example',
      'lucille@bluth.example',
      'mo@example.com',
    ]);
    // Posted to the customer channel; the scheduler hears the outcome in a DM.
    await app.until(
      () => postsTo(app, 'CBLUTH').find((p) => p.text.includes('scheduled')),
      'the meeting posted',
    );
    await app.until(
      () => postsTo(app, 'DUMEMBER').find((p) => p.text.includes('Scheduled')),
      'the DM to the scheduler',
    );
  });
});
