/**
 * The calendar's bad inputs, through the real app and the emulators: a forgotten sync token (Google 410,
 * Graph 410), deleted events, all-day events, recurring series, time zones, a moved meeting, and a sync
 * that fails part-way. Reminder offsets are a few seconds so the timers' behaviour is seen, not assumed.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { setReminderOffsets } from '../../src/domain/meetings/settings.js';
import { CALENDAR_SYNC_JOB, syncCalendar } from '../../src/domain/meetings/sync.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import { graphError, type MicrosoftEmulator } from '../emulators/microsoft.js';
import { addAccount, inSeconds, meetingsOf, postsTo, syncNow } from './helpers.js';

const world = useConnectorWorld();
let google: GoogleEmulator;
let microsoft: MicrosoftEmulator;
const hours = (h: number) => inSeconds(h * 3600);

beforeAll(async () => {
  google = world.emulators.byId.google as GoogleEmulator;
  microsoft = world.emulators.byId.microsoft as MicrosoftEmulator;
  await connectVia(world.app, google, 'google');
  await connectVia(world.app, microsoft, 'microsoft');
  await setReminderOffsets(world.app.thread.services.db, world.app.teamId, [4], 'UADMIN');
  // The first sync of each: the cursor exists before the cases below.
  await syncNow(world.app, 'google');
  await syncNow(world.app, 'microsoft');
});

const cursor = (provider: string) =>
  world.app.thread.services.db
    .selectFrom('calendar_cursors')
    .selectAll()
    .where('team_id', '=', world.app.teamId)
    .where('provider', '=', provider)
    .executeTakeFirstOrThrow();

describe('calendar sync, bad input', () => {
  it('Google 410 (sync token forgotten): a full sync without the token; a kickoff deleted meanwhile is cancelled', async () => {
    const app = world.app;
    const accountId = await addAccount(app, { name: 'Hooli', domain: 'hooli.example' });
    google.calendar.put({
      id: 'hooli1',
      summary: 'Hooli kickoff',
      start: { dateTime: hours(30) },
      end: { dateTime: hours(31) },
    });
    await syncNow(app, 'google');
    expect((await meetingsOf(app, accountId))[0]?.status).toBe('scheduled');
    const before = await cursor('google');

    google.calendar.expireSyncTokens();
    // Deleted while the token was expiring: only a full read can tell it is gone.
    google.calendar.remove('hooli1');
    const asked = google.calendar.listQueries.length;
    const summary = await syncCalendar(app.thread.services, app.teamId, 'google');
    expect(summary).toMatchObject({ full: true, cancelled: 1 });
    const [withToken, full] = google.calendar.listQueries.slice(asked);
    expect(withToken!.get('syncToken')).toBe(before.token);
    expect(full!.has('syncToken')).toBe(false);
    expect(full!.get('timeMin')).toBeTruthy();
    expect((await meetingsOf(app, accountId))[0]?.status).toBe('cancelled');
    expect((await cursor('google')).token).not.toBe(before.token);
  });

  it('Graph 410 (delta token evicted): a new round; an event deleted meanwhile is cancelled', async () => {
    const app = world.app;
    const accountId = await addAccount(app, { name: 'Vandelay', domain: 'vandelay.example' });
    const id = microsoft.calendar.put({
      subject: 'Vandelay kickoff',
      start: hours(40),
      end: hours(41),
    });
    await syncNow(app, 'microsoft');
    expect((await meetingsOf(app, accountId))[0]?.status).toBe('scheduled');
    microsoft.calendar.expireDeltaTokens();
    microsoft.calendar.remove(id);
    const summary = await syncCalendar(app.thread.services, app.teamId, 'microsoft');
    expect(summary).toMatchObject({ full: true, cancelled: 1 });
    expect((await meetingsOf(app, accountId))[0]?.status).toBe('cancelled');
  });

  it('deleted events (Google cancelled, Graph @removed): the meeting is cancelled and its reminder never goes out', async () => {
    const app = world.app;
    const g = await addAccount(app, {
      name: 'Pied Piper',
      domain: 'piedpiper.example',
      csm: 'UOWNER',
      channel: 'CPIED',
    });
    const m = await addAccount(app, {
      name: 'Wonka',
      domain: 'wonka.example',
      csm: 'UOWNER',
      channel: 'CWONKA',
    });
    google.calendar.put({
      id: 'pied1',
      summary: 'Pied Piper kickoff',
      start: { dateTime: inSeconds(7) },
      end: { dateTime: inSeconds(9) },
    });
    const wonka = microsoft.calendar.put({
      subject: 'Wonka kickoff',
      start: inSeconds(7),
      end: inSeconds(9),
    });
    await syncNow(app, 'google');
    await syncNow(app, 'microsoft');
    expect((await meetingsOf(app, g))[0]?.status).toBe('scheduled');
    expect((await meetingsOf(app, m))[0]?.status).toBe('scheduled');
    // Both timers were set: a reminder at start − 4 s and the post-meeting job.
    const queued = await app.thread.services.db
      .selectFrom('pgboss.job' as never)
      .select(['name' as never])
      .where('name' as never, 'in', ['meeting-reminder', 'post-meeting'] as never)
      .where(sql`data->>'meetingId'`, 'in', [
        (await meetingsOf(app, g))[0]!.id,
        (await meetingsOf(app, m))[0]!.id,
      ])
      .execute();
    expect(queued).toHaveLength(4);

    google.calendar.remove('pied1');
    microsoft.calendar.remove(wonka);
    await syncNow(app, 'google');
    await syncNow(app, 'microsoft');
    expect((await meetingsOf(app, g))[0]?.status).toBe('cancelled');
    expect((await meetingsOf(app, m))[0]?.status).toBe('cancelled');
    // Past the reminder (start − 4 s) and the end: the timers fired and said nothing.
    await new Promise((r) => setTimeout(r, 16_000));
    for (const channel of ['CPIED', 'CWONKA', 'DUOWNER']) expect(postsTo(app, channel)).toEqual([]);
  }, 40_000);

  it('all-day events are never kickoffs, even with the customer invited', async () => {
    const app = world.app;
    const accountId = await addAccount(app, { name: 'Stark', domain: 'stark.example' });
    const day = hours(48).slice(0, 10);
    const next = hours(72).slice(0, 10);
    google.calendar.put({
      id: 'stark-allday',
      summary: 'Stark kickoff week',
      start: { date: day },
      end: { date: next },
      attendees: [{ email: 'pepper@stark.example' }],
    });
    microsoft.calendar.put({
      subject: 'Stark kickoff (all day)',
      start: `${day}T00:00:00.000Z`,
      end: `${next}T00:00:00.000Z`,
      isAllDay: true,
    });
    await syncNow(app, 'google');
    await syncNow(app, 'microsoft');
    expect(await meetingsOf(app, accountId)).toEqual([]);
  });

  it('recurring series: instances are read (singleEvents / occurrences) and only the first is the kickoff', async () => {
    const app = world.app;
    const g = await addAccount(app, { name: 'Soylent', domain: 'soylent.example' });
    const m = await addAccount(app, { name: 'Tyrell', domain: 'tyrell.example' });
    const start = hours(26);
    google.calendar.put({
      id: 'soylentseries',
      summary: 'Weekly sync',
      start: { dateTime: start, timeZone: 'UTC' },
      end: { dateTime: hours(27), timeZone: 'UTC' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      attendees: [{ email: 'sol@soylent.example' }],
    });
    microsoft.calendar.put({
      id: 'tyrellseries',
      subject: 'Tyrell kickoff series',
      start,
      end: hours(27),
      weekly: 3,
    });
    await syncNow(app, 'google');
    await syncNow(app, 'microsoft');
    expect(google.calendar.listQueries.at(-1)!.get('singleEvents')).toBe('true');
    const [gm, ...gRest] = await meetingsOf(app, g);
    expect(gRest).toEqual([]);
    expect(gm).toMatchObject({
      series_id: 'soylentseries',
      external_id: `soylentseries_${start.replace(/[-:]/g, '').replace(/\.\d+/, '')}`,
    });
    expect(gm!.starts_at.toISOString()).toBe(start);
    const [mm, ...mRest] = await meetingsOf(app, m);
    expect(mRest).toEqual([]);
    expect(mm).toMatchObject({ series_id: 'tyrellseries', external_id: 'tyrellseries-occ0' });
  });

  it('time zones: an event written with a +09:00 offset and a Tokyo zone is stored as its instant', async () => {
    const app = world.app;
    const accountId = await addAccount(app, { name: 'Nakatomi', domain: 'nakatomi.example' });
    const instant = hours(50);
    const tokyo = new Date(Date.parse(instant) + 9 * 3600_000).toISOString().slice(0, 19);
    google.calendar.put({
      id: 'nakatomi1',
      summary: 'Nakatomi kickoff',
      start: { dateTime: `${tokyo}+09:00`, timeZone: 'Asia/Tokyo' },
      end: {
        dateTime: `${tokyo.slice(0, 11)}${String((Number(tokyo.slice(11, 13)) + 1) % 24).padStart(2, '0')}${tokyo.slice(13)}+09:00`,
        timeZone: 'Asia/Tokyo',
      },
    });
    await syncNow(app, 'google');
    const [meeting] = await meetingsOf(app, accountId);
    expect(meeting!.starts_at.toISOString()).toBe(instant);
    expect(meeting!.time_zone).toBe('Asia/Tokyo');
  });

  it('a moved meeting: the reminder follows it; the one set for the old time does nothing', async () => {
    const app = world.app;
    const accountId = await addAccount(app, {
      name: 'Cyberdyne',
      domain: 'cyberdyne.example',
      csm: 'UOWNER',
      channel: 'CCYBER',
    });
    google.calendar.put({
      id: 'cyber1',
      summary: 'Cyberdyne kickoff',
      start: { dateTime: inSeconds(7) },
      end: { dateTime: inSeconds(8) },
    });
    await syncNow(app, 'google');
    const movedTo = inSeconds(13);
    google.calendar.put({
      id: 'cyber1',
      summary: 'Cyberdyne kickoff',
      start: { dateTime: movedTo },
      end: { dateTime: inSeconds(14) },
    });
    await syncNow(app, 'google');
    expect((await meetingsOf(app, accountId))[0]!.starts_at.toISOString()).toBe(movedTo);
    const post = await app.until(
      () => postsTo(app, 'CCYBER').find((p) => p.text.includes('starts in 4 seconds')),
      'the reminder at the new time',
      20_000,
    );
    expect(post.at).toBeGreaterThanOrEqual(Date.parse(movedTo) - 4000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(postsTo(app, 'CCYBER').filter((p) => p.text.includes('starts in'))).toHaveLength(1);
  }, 40_000);

  it('the scheduled run syncs every connected calendar of every team, one job each', async () => {
    const app = world.app;
    const before = {
      google: (await cursor('google')).updated_at,
      microsoft: (await cursor('microsoft')).updated_at,
    };
    const id = await app.thread.jobs.send(CALENDAR_SYNC_JOB, {});
    await app.until(
      async () => (await app.thread.jobs.state(CALENDAR_SYNC_JOB, id!)) === 'completed',
      'the fan-out',
    );
    await app.until(
      async () =>
        (await cursor('google')).updated_at > before.google &&
        (await cursor('microsoft')).updated_at > before.microsoft,
      'both calendars synced',
      15_000,
    );
  });

  it('a sync that fails part-way never advances the cursor; the next one reads the same changes', async () => {
    const app = world.app;
    const accountId = await addAccount(app, { name: 'Massive Dynamic', domain: 'massive.example' });
    const before = await cursor('microsoft');
    // Two pages: the second fails.
    microsoft.calendar.put({ subject: 'Massive Dynamic kickoff', start: hours(60), end: hours(61) });
    for (let i = 0; i < 60; i++)
      microsoft.calendar.put({ subject: `Filler ${i}`, start: hours(70 + i), end: hours(70.5 + i) });
    let calls = 0;
    const original = microsoft.calendar.route.bind(microsoft.calendar);
    microsoft.calendar.route = (req, base) => {
      calls++;
      if (calls === 2) return { status: 503, json: graphError(503, 'Service unavailable') };
      return original(req, base);
    };
    await expect(syncCalendar(app.thread.services, app.teamId, 'microsoft')).rejects.toMatchObject({
      code: 'temporary',
    });
    microsoft.calendar.route = original;
    expect((await cursor('microsoft')).token).toBe(before.token);
    await syncNow(app, 'microsoft');
    expect(await meetingsOf(app, accountId)).toHaveLength(1);
    expect((await cursor('microsoft')).token).not.toBe(before.token);
  });
});

describe('what is not a kickoff, and the sync window', () => {
  it('events already over, accounts no longer onboarding, events fitting two accounts: none linked', async () => {
    const app = world.app;
    const over = await addAccount(app, { name: 'Gringotts', domain: 'gringotts.example' });
    const live = await addAccount(app, { name: 'Dunder', domain: 'dunder.example' });
    await app.thread.services.db
      .updateTable('accounts')
      .set({ stage: 'live' })
      .where('id', '=', live)
      .execute();
    const a = await addAccount(app, { name: 'Oscorp', domain: 'oscorp.example' });
    const b = await addAccount(app, { name: 'Oscorp Labs', domain: 'oscorplabs.example' });
    google.calendar.put({
      id: 'over1',
      summary: 'Gringotts kickoff',
      start: { dateTime: hours(-3) },
      end: { dateTime: hours(-2) },
    });
    google.calendar.put({
      id: 'live1',
      summary: 'Dunder kickoff',
      start: { dateTime: hours(5) },
      end: { dateTime: hours(6) },
    });
    google.calendar.put({
      id: 'both1',
      summary: 'Kickoff',
      start: { dateTime: hours(5) },
      end: { dateTime: hours(6) },
      attendees: [{ email: 'norman@oscorp.example' }, { email: 'otto@oscorplabs.example' }],
    });
    await syncNow(app, 'google');
    for (const id of [over, live, a, b]) expect(await meetingsOf(app, id)).toEqual([]);
  });

  it('a full read covers a day back to 60 days ahead; a round older than 7 days starts again', async () => {
    const app = world.app;
    const asked = google.calendar.listQueries.length;
    const later = Date.now() + 8 * 86400_000;
    const summary = await syncCalendar(app.thread.services, app.teamId, 'google', { now: () => later });
    expect(summary).toMatchObject({ full: true });
    const q = google.calendar.listQueries[asked]!;
    expect(q.has('syncToken')).toBe(false);
    expect(Date.parse(q.get('timeMin')!)).toBe(later - 86400_000);
    expect(Date.parse(q.get('timeMax')!)).toBe(later + 60 * 86400_000);
  });
});
