/**
 * `/thread schedule kickoff <account>` and "Schedule next meeting": creates the event on the team's
 * connected calendar (Google first, else Microsoft) with the customer's contacts, the AE and the CSM
 * invited, a Zoom link when Zoom is connected, links it to the account (so the sync that later sees the
 * same event finds it linked) and posts it to the customer channel, else the CSM's DM.
 */
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import type { MeetingView } from '../../views/messages/meetings.js';
import { scheduledMessage } from '../../views/messages/meetings.js';
import { customerContacts, plainAddresses } from '../accounts/contacts.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { openDm } from '../deliveries/dm.js';
import { calendarProviders } from './sync.js';
import { type Clock, setMeetingTimers, systemClock } from './timers.js';
import { calendarName, loadMeeting } from './view.js';

export interface ScheduleRequest {
  teamId: string;
  userId: string;
  accountId: string;
  start: Date;
  minutes: number;
  /** The scheduler's zone: the event shows in it on the organiser's calendar. */
  timeZone: string;
  kind: 'kickoff' | 'follow_up';
}

export type ScheduleOutcome =
  | { outcome: 'no calendar'; names: string[] }
  | { outcome: 'already'; existing: MeetingView }
  | { outcome: 'calendar failed'; calendarName: string; code: string }
  | { outcome: 'scheduled'; view: MeetingView; postedTo: string | null; zoom: 'added' | 'failed' | 'none' };

export async function scheduleMeeting(
  services: Services,
  req: ScheduleRequest,
  clock: Clock = systemClock,
): Promise<ScheduleOutcome> {
  const db = services.db;
  let connection: Awaited<ReturnType<typeof activeConnection>>;
  for (const provider of calendarProviders()) {
    connection = await activeConnection(db, req.teamId, provider);
    if (connection) break;
  }
  if (!connection) {
    return {
      outcome: 'no calendar',
      names: calendarProviders().map((p) => findProviderDefinition(p)?.name ?? p),
    };
  }
  const provider = connection.provider;
  const calendar = findProviderDefinition(provider)!.calendar!;

  if (req.kind === 'kickoff') {
    const live = await db
      .selectFrom('meetings')
      .select('id')
      .where('account_id', '=', req.accountId)
      .where('kind', '=', 'kickoff')
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    const existing = live && (await loadMeeting(services, live.id, req.teamId));
    if (existing) return { outcome: 'already', existing: existing.view };
  }

  const account = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'ae_email', 'csm_user_id', 'customer_channel_id'])
    .where('id', '=', req.accountId)
    .where('team_id', '=', req.teamId)
    .executeTakeFirstOrThrow();
  const attendees = await attendeesFor(services, req.teamId, account);
  const title = `${account.name} ${req.kind === 'kickoff' ? 'kickoff' : 'check-in'}`;
  const end = new Date(req.start.getTime() + req.minutes * 60_000);

  const zoom = await zoomLink(services, req.teamId, {
    topic: title,
    start: req.start.toISOString(),
    durationMinutes: req.minutes,
    timeZone: req.timeZone,
  });

  let created: Awaited<ReturnType<typeof calendar.createEvent>>;
  try {
    created = await withProvider(services, connection, (ctx) =>
      calendar.createEvent(ctx, {
        title,
        start: req.start.toISOString(),
        end: end.toISOString(),
        timeZone: req.timeZone,
        attendees,
        description: `Scheduled from Slack with Thread.${zoom.url ? `\nJoin: ${zoom.url}` : ''}`,
        ...(zoom.url ? { location: zoom.url } : {}),
      }),
    );
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return { outcome: 'calendar failed', calendarName: calendarName(provider), code: err.code };
  }

  const row = await db
    .insertInto('meetings')
    .values({
      team_id: req.teamId,
      account_id: account.id,
      provider,
      external_id: created.id,
      series_id: null,
      title: created.title || title,
      starts_at: new Date(created.start),
      ends_at: new Date(created.end),
      time_zone: req.timeZone,
      attendees: created.attendees.length ? created.attendees : attendees,
      join_url: zoom.url ?? created.joinUrl ?? null,
      kind: req.kind,
    })
    // A sync may have linked the new event between its creation and here: then that row is the one.
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  const meetingId =
    row?.id ??
    (
      await db
        .selectFrom('meetings')
        .select('id')
        .where('team_id', '=', req.teamId)
        .where('provider', '=', provider)
        .where('external_id', '=', created.id)
        .executeTakeFirstOrThrow()
    ).id;
  const found = (await loadMeeting(services, meetingId, req.teamId))!;
  if (row) {
    await setMeetingTimers(
      services,
      { id: meetingId, teamId: req.teamId, startsAt: found.meeting.starts_at, endsAt: found.meeting.ends_at },
      clock,
    );
  }

  const channel =
    account.customer_channel_id ?? (await openDm(services, req.teamId, account.csm_user_id ?? req.userId));
  if (channel) {
    await enqueueDelivery(services, {
      teamId: req.teamId,
      channel,
      key: `meeting:${meetingId}:scheduled`,
      message: scheduledMessage(found.view, req.userId),
    });
  }
  return {
    outcome: 'scheduled',
    view: found.view,
    postedTo: channel,
    zoom: zoom.url ? 'added' : zoom.tried ? 'failed' : 'none',
  };
}

/** The customer's contacts (from the deal the handoff read), the AE and the CSM, each once. */
async function attendeesFor(
  services: Services,
  teamId: string,
  account: { id: string; ae_email: string | null; csm_user_id: string | null },
): Promise<string[]> {
  const emails = [...(await customerContacts(services, teamId, account.id)), account.ae_email];
  if (account.csm_user_id) emails.push(await slackEmail(services, teamId, account.csm_user_id));
  return plainAddresses(emails);
}

/** The CSM's email from Slack, so the meeting lands on their own calendar too (null when hidden). */
async function slackEmail(services: Services, teamId: string, userId: string): Promise<string | null> {
  try {
    const client = await services.slackClient(teamId);
    const res = await client.users.info({ user: userId });
    return res.user?.profile?.email ?? null;
  } catch {
    return null;
  }
}

/** A Zoom link when Zoom is connected; a Zoom failure never stops the meeting being scheduled. */
async function zoomLink(
  services: Services,
  teamId: string,
  meeting: { topic: string; start: string; durationMinutes: number; timeZone: string },
): Promise<{ url?: string; tried: boolean }> {
  const def = findProviderDefinition('zoom');
  const connection = def?.meetings && (await activeConnection(services.db, teamId, 'zoom'));
  if (!def?.meetings || !connection) return { tried: false };
  try {
    const made = await withProvider(services, connection, (ctx) => def.meetings!.createMeeting(ctx, meeting));
    return { url: made.joinUrl, tried: true };
  } catch (err) {
    // withProvider recorded it on the connection (its state and the admins' DM say what to fix).
    services.logger.warn({ err, teamId }, 'Zoom meeting could not be created; scheduling without a link');
    return { tried: true };
  }
}
