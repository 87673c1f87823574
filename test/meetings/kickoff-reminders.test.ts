/**
 * The calendar end to end through the real app: a kickoff on Google Calendar and one on Outlook (Graph),
 * each found by the scheduled sync job through the provider's SDK against its emulator, linked to its
 * account, reminded at start − offset (offsets in seconds, set as a team would) to the CSM's DM and the
 * customer channel, then the post-meeting DM with its three buttons after the end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setReminderOffsets } from '../../src/domain/meetings/settings.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import type { MicrosoftEmulator } from '../emulators/microsoft.js';
import { addAccount, inSeconds, meetingsOf, postsTo, syncNow } from './helpers.js';

const world = useConnectorWorld();
/** pg-boss polls every 2 s in the test app, and the post goes through the delivery job. */
const LATE_MS = 3500;

beforeAll(async () => {
  await connectVia(world.app, world.emulators.byId.google!, 'google');
  await connectVia(world.app, world.emulators.byId.microsoft!, 'microsoft');
  await setReminderOffsets(world.app.thread.services.db, world.app.teamId, [6, 3], 'UADMIN');
});

/** Waits for the reminders and the post-meeting DM; checks each arrived at its time, not before. */
async function expectTimeline(
  csm: string,
  channel: string,
  startsAt: string,
  endsAt: string,
  titleWord: string,
) {
  const app = world.app;
  const start = Date.parse(startsAt);
  const end = Date.parse(endsAt);
  const dm = `D${csm}`;
  const reminder = (where: string, words: string) =>
    app.until(() => postsTo(app, where).find((p) => p.text.includes(words)), `${words} in ${where}`, 20_000);
  for (const [offset, words] of [
    [6, 'starts in 6 seconds'],
    [3, 'starts in 3 seconds'],
  ] as const) {
    for (const where of [dm, channel]) {
      const post = await reminder(where, words);
      expect(post.text).toContain(titleWord);
      expect(post.at).toBeGreaterThanOrEqual(start - offset * 1000);
      expect(post.at).toBeLessThan(start - offset * 1000 + LATE_MS);
    }
  }
  const after = await app.until(
    () => postsTo(app, dm).find((p) => p.text.includes('has ended')),
    'post-meeting DM',
    20_000,
  );
  expect(after.at).toBeGreaterThanOrEqual(end);
  expect(after.at).toBeLessThan(end + LATE_MS);
  const buttons = JSON.stringify(after.args.blocks);
  for (const label of ['Mark kickoff complete', 'Log notes', 'Schedule next meeting']) {
    expect(buttons).toContain(label);
  }
  // Each reminder once per place, the post-meeting DM once: retries and re-syncs post nothing twice.
  expect(postsTo(app, dm).filter((p) => p.text.includes('starts in'))).toHaveLength(2);
  expect(postsTo(app, channel).filter((p) => p.text.includes('starts in'))).toHaveLength(2);
  expect(postsTo(app, channel).some((p) => p.text.includes('has ended'))).toBe(false);
}

describe('a kickoff on the connected calendar', () => {
  it('Google: found by an attendee at the account’s domain, reminded at start − 6 s and − 3 s, then the post-meeting DM', async () => {
    const app = world.app;
    const google = world.emulators.byId.google as GoogleEmulator;
    const accountId = await addAccount(app, { name: 'Initech', domain: 'https://www.initech.example/' });
    const startsAt = inSeconds(10);
    const endsAt = inSeconds(12);
    google.calendar.put({
      id: 'initech1',
      summary: 'Intro call', // no "kickoff": the attendee's domain is what links it
      start: { dateTime: startsAt, timeZone: 'Europe/Paris' },
      end: { dateTime: endsAt, timeZone: 'Europe/Paris' },
      attendees: [{ email: 'ada@acme.example' }, { email: 'Bill.Lumbergh@Initech.example' }],
    });
    await syncNow(app, 'google');
    const [meeting, ...others] = await meetingsOf(app, accountId);
    expect(others).toHaveLength(0);
    expect(meeting).toMatchObject({
      provider: 'google',
      external_id: 'initech1',
      kind: 'kickoff',
      status: 'scheduled',
    });
    expect(meeting!.starts_at.toISOString()).toBe(startsAt);
    // Incremental from the first sync on: the second asks with the token, never with a window.
    await syncNow(app, 'google');
    const last = google.calendar.listQueries.at(-1)!;
    expect(last.get('syncToken')).toMatch(/^sync-\d+$/);
    expect(last.has('timeMin')).toBe(false);
    expect(await meetingsOf(app, accountId)).toHaveLength(1);

    await expectTimeline('UMEMBER', 'CINITECH', startsAt, endsAt, 'Intro call');
  }, 40_000);

  it('Microsoft: found by its title (kickoff + the account’s name), organised in Tokyo time, reminded at the right instants', async () => {
    const app = world.app;
    const microsoft = world.emulators.byId.microsoft as MicrosoftEmulator;
    const accountId = await addAccount(app, { name: 'Umbrella', domain: 'umbrella.example', csm: 'UOWNER' });
    const startsAt = inSeconds(10);
    const endsAt = inSeconds(12);
    microsoft.calendar.put({
      subject: 'Kick-off: Umbrella <!channel>',
      start: startsAt,
      end: endsAt,
      timeZone: 'Tokyo Standard Time',
      attendees: ['someone@elsewhere.example'],
    });
    await syncNow(app, 'microsoft');
    const [meeting] = await meetingsOf(app, accountId);
    expect(meeting).toMatchObject({
      provider: 'microsoft',
      kind: 'kickoff',
      time_zone: 'Tokyo Standard Time',
    });
    expect(meeting!.starts_at.toISOString()).toBe(startsAt);
    // Thread asked for UTC times and a page size, and follows Graph's own links.
    expect(microsoft.calendar.deltaPrefers.at(-1)).toMatch(/odata\.maxpagesize=\d+/);
    expect(microsoft.calendar.deltaPrefers.at(-1)).toContain('outlook.timezone="UTC"');

    await expectTimeline('UOWNER', 'CUMBRELLA', startsAt, endsAt, 'Kick-off: Umbrella');
    // The title came from the calendar: shown, never pinging the channel.
    const reminder = postsTo(app, 'CUMBRELLA')[0]!;
    expect(JSON.stringify(reminder.args.blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(reminder.args.blocks)).not.toContain('<!channel>');
  }, 40_000);
});
