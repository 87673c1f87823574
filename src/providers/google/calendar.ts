/**
 * Google Calendar as a `CalendarSource`: incremental sync of the primary calendar with `syncToken`, and
 * event creation. Behaviour from developers.google.com/workspace/calendar/api/guides/sync and the
 * events.list reference (as the SDK's own docs repeat it):
 * - a full sync lists the window; the last page carries `nextSyncToken`, earlier ones `nextPageToken`;
 * - with `syncToken`, `timeMin`/`timeMax`/`updatedMin`/`q`/`orderBy` are refused (400
 *   `syncTokenWithRequestRestrictions`) and deletions always come back (`showDeleted` may not be false);
 * - an expired token answers 410 GONE: drop it and sync in full, without a token;
 * - `singleEvents=true` expands recurring events into instances (each with `recurringEventId`);
 * - an all-day event has `start.date`, a timed one `start.dateTime` with its offset.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { CalendarChanges, CalendarEvent, CalendarSource } from '../types.js';
import { googleClients } from './client.js';

/** Google's maximum page is 2,500; a smaller one keeps each response quick. */
const PAGE_SIZE = 250;

export const googleCalendar: CalendarSource = {
  async sync(ctx, token, window) {
    const { calendar } = await googleClients(ctx);
    if (token) {
      try {
        return await readAll(calendar, { syncToken: token }, false);
      } catch (err) {
        if (!isGone(err)) throw err;
        // The token is too old (or the calendar was cleared): only a full sync tells what is there now.
      }
    }
    return readAll(calendar, { timeMin: window.from, timeMax: window.to }, Boolean(token));
  },

  async createEvent(ctx, event) {
    const { calendar } = await googleClients(ctx);
    const { data } = await calendar.events.insert({
      calendarId: 'primary',
      // Google emails the invitations: the customer gets the kickoff in their own calendar.
      sendUpdates: 'all',
      requestBody: {
        summary: event.title,
        description: event.description,
        location: event.location,
        start: { dateTime: event.start, timeZone: event.timeZone },
        end: { dateTime: event.end, timeZone: event.timeZone },
        attendees: event.attendees.map((email) => ({ email })),
      },
    });
    const created = toEvent(data);
    if (!created) throw new Error('Google did not return the created event');
    return created;
  },
};

async function readAll(
  calendar: calendar_v3.Calendar,
  from: { syncToken: string } | { timeMin: string; timeMax: string },
  fullResync: boolean,
): Promise<CalendarChanges> {
  const events: CalendarEvent[] = [];
  let pageToken: string | undefined;
  for (;;) {
    const { data } = await calendar.events.list({
      calendarId: 'primary',
      ...from,
      singleEvents: true,
      showDeleted: true,
      maxResults: PAGE_SIZE,
      pageToken,
    });
    for (const item of data.items ?? []) {
      const e = toEvent(item);
      if (e) events.push(e);
    }
    if (data.nextPageToken) {
      pageToken = data.nextPageToken;
      continue;
    }
    if (!data.nextSyncToken) throw new Error('Google ended a sync without a sync token');
    return { events, nextToken: data.nextSyncToken, fullResync };
  }
}

function toEvent(item: calendar_v3.Schema$Event): CalendarEvent | undefined {
  if (!item.id) return undefined;
  const cancelled = item.status === 'cancelled';
  const allDay = Boolean(item.start?.date && !item.start?.dateTime);
  const start = instant(item.start);
  const end = instant(item.end);
  // A cancelled event in an incremental sync may carry nothing but its id: that is all Thread needs.
  if (!cancelled && (!start || !end)) return undefined;
  return {
    id: item.id,
    title: item.summary ?? '',
    start: start ?? new Date(0).toISOString(),
    end: end ?? new Date(0).toISOString(),
    allDay,
    timeZone: item.start?.timeZone ?? null,
    attendees: (item.attendees ?? [])
      .map((a) => a.email?.toLowerCase())
      .filter((e): e is string => Boolean(e)),
    cancelled,
    recurringEventId: item.recurringEventId ?? null,
    joinUrl: item.hangoutLink ?? null,
  };
}

/** `dateTime` carries its offset (so the zone is already applied); `date` is a whole day. */
function instant(t: calendar_v3.Schema$EventDateTime | undefined): string | undefined {
  if (t?.dateTime) {
    const ms = Date.parse(t.dateTime);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  if (t?.date) return `${t.date}T00:00:00.000Z`;
  return undefined;
}

function isGone(err: unknown): boolean {
  const status = (err as { response?: { status?: number }; status?: number } | undefined)?.response?.status;
  return status === 410;
}
