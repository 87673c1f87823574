/**
 * Kickoff detection by incremental sync of the team's connected calendar (Google or Microsoft).
 *
 * One sync: read what changed since the stored cursor (a full read of the window without one, or when
 * the provider has forgotten it), then for each event in start order —
 * - deleted or cancelled: the linked meeting is cancelled (its timers then do nothing);
 * - already linked: new times or title are stored; moved → new timers;
 * - new, timed, not over, and the kickoff of exactly one open account (match.ts) that has no kickoff
 *   yet: linked, timers set. All-day events are never kickoffs: they have no time to remind about.
 * After a full read, linked meetings in the window that the calendar no longer has are cancelled.
 * The cursor is written last: a sync that fails part-way leaves it where it was, and the next one reads
 * the same changes again (every write above is idempotent).
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { findProviderDefinition, PROVIDERS } from '../../providers/registry.js';
import type { CalendarEvent } from '../../providers/types.js';
import { withProvider } from '../connections/tokens.js';
import { kickoffAccount } from './match.js';
import { type Clock, setMeetingTimers, systemClock } from './timers.js';

export const CALENDAR_SYNC_JOB = 'calendar-sync';

/** Kickoffs are looked for from a day back to 60 days ahead. */
const WINDOW_BACK_MS = 24 * 3600_000;
const WINDOW_AHEAD_MS = 60 * 24 * 3600_000;
/** The window is fixed when a round starts (Graph carries it in the delta token): renew it weekly. */
const ROUND_MAX_AGE_MS = 7 * 24 * 3600_000;

export interface SyncSummary {
  read: number;
  linked: number;
  moved: number;
  cancelled: number;
  full: boolean;
}

/** The providers whose calendar Thread can read. */
export function calendarProviders(): string[] {
  return PROVIDERS.filter((p) => p.calendar).map((p) => p.id);
}

/** Every (team, provider) with a calendar connection: what the scheduled sync fans out to. */
export async function calendarConnections(
  services: Services,
): Promise<{ teamId: string; provider: string }[]> {
  const rows = await services.db
    .selectFrom('connections')
    .select(['team_id', 'provider'])
    .where('provider', 'in', calendarProviders())
    .where('status', '!=', 'available')
    .where('token_secret_id', 'is not', null)
    .execute();
  return rows.map((r) => ({ teamId: r.team_id, provider: r.provider }));
}

export async function syncCalendar(
  services: Services,
  teamId: string,
  provider: string,
  clock: Clock = systemClock,
): Promise<SyncSummary | 'not connected'> {
  const calendar = findProviderDefinition(provider)?.calendar;
  const connection = await services.db
    .selectFrom('connections')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  if (!calendar || !connection || connection.status === 'available' || !connection.token_secret_id) {
    return 'not connected';
  }
  const now = clock.now();
  const cursor = await services.db
    .selectFrom('calendar_cursors')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  const fresh = cursor && now - cursor.round_started_at.getTime() < ROUND_MAX_AGE_MS;
  const token = fresh ? cursor.token : null;
  const window = {
    from: new Date(now - WINDOW_BACK_MS).toISOString(),
    to: new Date(now + WINDOW_AHEAD_MS).toISOString(),
  };
  const changes = await withProvider(services, connection, (ctx) => calendar.sync(ctx, token, window));
  const full = !token || changes.fullResync;

  const summary: SyncSummary = { read: changes.events.length, linked: 0, moved: 0, cancelled: 0, full };
  const events = [...changes.events].sort((a, b) => a.start.localeCompare(b.start));
  for (const event of events) {
    const outcome = await applyEvent(services, teamId, provider, event, clock);
    if (outcome) summary[outcome]++;
  }
  if (full) summary.cancelled += await cancelMissing(services, teamId, provider, events, window, now);

  await services.db
    .insertInto('calendar_cursors')
    .values({ team_id: teamId, provider, token: changes.nextToken, round_started_at: new Date(now) })
    .onConflict((oc) =>
      oc.columns(['team_id', 'provider']).doUpdateSet({
        token: changes.nextToken,
        updated_at: sql`now()`,
        ...(full ? { round_started_at: new Date(now) } : {}),
      }),
    )
    .execute();
  return summary;
}

async function applyEvent(
  services: Services,
  teamId: string,
  provider: string,
  event: CalendarEvent,
  clock: Clock,
): Promise<'linked' | 'moved' | 'cancelled' | undefined> {
  const db = services.db;
  const existing = await db
    .selectFrom('meetings')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .where('external_id', '=', event.id)
    .executeTakeFirst();

  // An event that became all-day no longer has a time to remind about: like a cancellation.
  if (event.cancelled || (existing && event.allDay)) {
    if (!existing || existing.status === 'cancelled') return undefined;
    await db
      .updateTable('meetings')
      .set({ status: 'cancelled', updated_at: sql`now()` })
      .where('id', '=', existing.id)
      .execute();
    return 'cancelled';
  }

  const startsAt = new Date(event.start);
  const endsAt = new Date(event.end);
  if (existing) {
    const moved =
      existing.starts_at.getTime() !== startsAt.getTime() || existing.ends_at.getTime() !== endsAt.getTime();
    await db
      .updateTable('meetings')
      .set({
        title: event.title,
        starts_at: startsAt,
        ends_at: endsAt,
        time_zone: event.timeZone,
        attendees: event.attendees,
        ...(event.joinUrl ? { join_url: event.joinUrl } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', existing.id)
      .execute();
    if (!moved || existing.status === 'cancelled') return undefined;
    await setMeetingTimers(services, { id: existing.id, teamId, startsAt, endsAt }, clock);
    return 'moved';
  }

  if (event.allDay || endsAt.getTime() <= clock.now()) return undefined;
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'domain'])
    .where('team_id', '=', teamId)
    .where('stage', 'in', ['new', 'onboarding'])
    .execute();
  const account = kickoffAccount(event, accounts);
  if (!account) return undefined;
  // One live kickoff per account (a unique index): another instance of a series, or a second invite,
  // finds the place taken and is left alone.
  const row = await db
    .insertInto('meetings')
    .values({
      team_id: teamId,
      account_id: account.id,
      provider,
      external_id: event.id,
      series_id: event.recurringEventId,
      title: event.title,
      starts_at: startsAt,
      ends_at: endsAt,
      time_zone: event.timeZone,
      attendees: event.attendees,
      join_url: event.joinUrl ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return undefined;
  await setMeetingTimers(services, { id: row.id, teamId, startsAt, endsAt }, clock);
  return 'linked';
}

/** After a full read: linked, upcoming meetings in the window that the calendar no longer has. */
async function cancelMissing(
  services: Services,
  teamId: string,
  provider: string,
  events: readonly CalendarEvent[],
  window: { to: string },
  now: number,
): Promise<number> {
  const seen = events.filter((e) => !e.cancelled).map((e) => e.id);
  let q = services.db
    .updateTable('meetings')
    .set({ status: 'cancelled', updated_at: sql`now()` })
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .where('status', '=', 'scheduled')
    .where('ends_at', '>', new Date(now))
    .where('starts_at', '<', new Date(window.to));
  if (seen.length) q = q.where('external_id', 'not in', seen);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}
