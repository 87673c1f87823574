/**
 * Outlook Calendar (Microsoft Graph) as a `CalendarSource`: a delta round on the user's calendarView,
 * and event creation. Behaviour from learn.microsoft.com/graph/delta-query-events and
 * learn.microsoft.com/graph/api/event-delta:
 * - the round's first request names the window (`startDateTime`, `endDateTime`); every later request
 *   follows `@odata.nextLink` (more pages now) or, next time, the `@odata.deltaLink` (changes since),
 *   whose token carries the window — no parameters are added to either;
 * - `Prefer: odata.maxpagesize=n` sets the page size;
 * - a deleted event comes back as `{ id, "@removed": { reason: "deleted" } }`;
 * - occurrences of a series come as their own events with `seriesMasterId`;
 * - times are in the event's own zone unless `Prefer: outlook.timezone="UTC"` asks for UTC
 *   (learn.microsoft.com/graph/api/user-list-calendarview, "Request headers");
 * - a delta token the service no longer knows answers 410 Gone: start a new round.
 */
import type { CalendarChanges, CalendarEvent, CalendarSource, ProviderApiContext } from '../types.js';
import { graphClient } from './client.js';
import { isGraphError } from './errors.js';

const PAGE_SIZE = 50;
const PREFER = `odata.maxpagesize=${PAGE_SIZE}, outlook.timezone="UTC"`;

interface GraphDateTime {
  dateTime?: string;
  timeZone?: string;
}

interface GraphEvent {
  id: string;
  subject?: string | null;
  start?: GraphDateTime;
  end?: GraphDateTime;
  isAllDay?: boolean;
  isCancelled?: boolean;
  originalStartTimeZone?: string;
  seriesMasterId?: string | null;
  attendees?: { emailAddress?: { address?: string } }[];
  organizer?: { emailAddress?: { address?: string } };
  onlineMeeting?: { joinUrl?: string } | null;
  '@removed'?: { reason?: string };
}

interface DeltaPage {
  value: GraphEvent[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export const microsoftCalendar: CalendarSource = {
  async sync(ctx, token, window) {
    if (token) {
      try {
        return await readRound(ctx, token, false);
      } catch (err) {
        if (!(isGraphError(err) && err.statusCode === 410)) throw err;
      }
    }
    const start = `/me/calendarView/delta?startDateTime=${encodeURIComponent(window.from)}&endDateTime=${encodeURIComponent(window.to)}`;
    return readRound(ctx, start, Boolean(token));
  },

  async createEvent(ctx, event) {
    const client = await graphClient(ctx);
    const created: GraphEvent = await client
      .api('/me/events')
      .header('Prefer', 'outlook.timezone="UTC"')
      .post({
        subject: event.title,
        body: { contentType: 'text', content: event.description ?? '' },
        // Graph takes a local time and a zone; the instant in UTC is the unambiguous way to say it.
        start: { dateTime: utcLocal(event.start), timeZone: 'UTC' },
        end: { dateTime: utcLocal(event.end), timeZone: 'UTC' },
        ...(event.location ? { location: { displayName: event.location } } : {}),
        attendees: event.attendees.map((address) => ({ emailAddress: { address }, type: 'required' })),
      });
    const e = toEvent(created);
    if (!e) throw new Error('Microsoft Graph did not return the created event');
    return e;
  },
};

async function readRound(
  ctx: ProviderApiContext,
  first: string,
  fullResync: boolean,
): Promise<CalendarChanges> {
  const client = await graphClient(ctx);
  const events: CalendarEvent[] = [];
  let link = first;
  for (;;) {
    const page: DeltaPage = await client.api(link).header('Prefer', PREFER).get();
    for (const item of page.value) {
      const e = toEvent(item);
      if (e) events.push(e);
    }
    if (page['@odata.nextLink']) {
      link = page['@odata.nextLink'];
      continue;
    }
    const next = page['@odata.deltaLink'];
    if (!next) throw new Error('Microsoft Graph ended a delta round without a deltaLink');
    return { events, nextToken: next, fullResync };
  }
}

function toEvent(item: GraphEvent): CalendarEvent | undefined {
  if (!item.id) return undefined;
  const removed = Boolean(item['@removed']);
  const start = instant(item.start);
  const end = instant(item.end);
  if (!removed && (!start || !end)) return undefined;
  const emails = [
    ...(item.attendees ?? []).map((a) => a.emailAddress?.address),
    item.organizer?.emailAddress?.address,
  ];
  return {
    id: item.id,
    title: item.subject ?? '',
    start: start ?? new Date(0).toISOString(),
    end: end ?? new Date(0).toISOString(),
    allDay: Boolean(item.isAllDay),
    timeZone: item.originalStartTimeZone ?? null,
    attendees: [...new Set(emails.filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase()))],
    cancelled: removed || Boolean(item.isCancelled),
    recurringEventId: item.seriesMasterId ?? null,
    joinUrl: item.onlineMeeting?.joinUrl ?? null,
  };
}

/**
 * Graph's `dateTime` has no offset ("2026-12-01T10:00:00.0000000"); with the UTC preference it is UTC.
 * Any other zone here means the preference was not honoured, and guessing would move the meeting.
 */
function instant(t: GraphDateTime | undefined): string | undefined {
  if (!t?.dateTime) return undefined;
  if (t.timeZone && t.timeZone !== 'UTC') {
    throw new Error(`Microsoft Graph answered in time zone ${t.timeZone}, not the UTC asked for`);
  }
  const ms = Date.parse(`${t.dateTime.replace(/Z$/, '').slice(0, 23)}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** "2026-12-01T10:00:00.000Z" → "2026-12-01T10:00:00" (Graph's local-time form, zone given apart). */
function utcLocal(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}
