/**
 * What a meeting's timers do when they fire (see timers.ts): the reminder to the CSM's DM and the
 * customer channel, and after the meeting the CSM's DM with its three next steps. Each post is a durable
 * delivery keyed by the meeting, the time it was set for and the recipient, so a retried job posts once.
 */
import type { Services } from '../../app/services.js';
import { postMeetingMessage, reminderMessage } from '../../views/messages/meetings.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { openDm } from '../deliveries/dm.js';
import type { PostMeetingJob, ReminderJob } from './timers.js';
import { loadMeeting } from './view.js';

export type TimerOutcome =
  | { outcome: 'sent'; to: string[] }
  | { outcome: 'skipped'; why: 'gone' | 'cancelled' | 'moved' | 'nobody to tell' };

export async function sendReminder(services: Services, job: ReminderJob): Promise<TimerOutcome> {
  const found = await loadMeeting(services, job.meetingId);
  if (!found) return { outcome: 'skipped', why: 'gone' };
  const { meeting, account, view } = found;
  if (meeting.status === 'cancelled') return { outcome: 'skipped', why: 'cancelled' };
  // Set for another start: the meeting moved, and the sync that saw it set new reminders.
  if (meeting.starts_at.toISOString() !== job.startsAt) return { outcome: 'skipped', why: 'moved' };
  const message = reminderMessage(view, job.offsetSeconds);
  const key = `meeting:${meeting.id}:reminder:${job.offsetSeconds}:${job.startsAt}`;
  const to: string[] = [];
  const dm = account.csmUserId ? await openDm(services, meeting.team_id, account.csmUserId) : null;
  if (dm) {
    await enqueueDelivery(services, { teamId: meeting.team_id, channel: dm, key: `${key}:csm`, message });
    to.push(dm);
  }
  if (account.customerChannelId) {
    await enqueueDelivery(services, {
      teamId: meeting.team_id,
      channel: account.customerChannelId,
      key: `${key}:channel`,
      message,
    });
    to.push(account.customerChannelId);
  }
  return to.length ? { outcome: 'sent', to } : { outcome: 'skipped', why: 'nobody to tell' };
}

export async function sendPostMeeting(services: Services, job: PostMeetingJob): Promise<TimerOutcome> {
  const found = await loadMeeting(services, job.meetingId);
  if (!found) return { outcome: 'skipped', why: 'gone' };
  const { meeting, account, view } = found;
  if (meeting.status === 'cancelled') return { outcome: 'skipped', why: 'cancelled' };
  if (meeting.ends_at.toISOString() !== job.endsAt) return { outcome: 'skipped', why: 'moved' };
  if (!account.csmUserId) return { outcome: 'skipped', why: 'nobody to tell' };
  const dm = await openDm(services, meeting.team_id, account.csmUserId);
  if (!dm) return { outcome: 'skipped', why: 'nobody to tell' };
  await enqueueDelivery(services, {
    teamId: meeting.team_id,
    channel: dm,
    key: `meeting:${meeting.id}:after:${job.endsAt}`,
    message: postMeetingMessage(view),
  });
  return { outcome: 'sent', to: [dm] };
}
