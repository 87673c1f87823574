/**
 * A meeting's timers: one reminder job per offset, due at start − offset, the post-meeting job, due at
 * the end, and the first look for its recording a little after the end (recording.ts). Each job carries
 * the start (or end) it was set for; when it fires it checks the meeting still has that time and is not
 * cancelled, so a moved meeting's old jobs do nothing and the new ones (set by the sync that saw the
 * move) do the work. Nothing needs cancelling in the queue.
 */
import type { Services } from '../../app/services.js';
import { FIRST_LOOK_AFTER_MS, queueRecordingLook } from './recording.js';
import { reminderOffsets } from './settings.js';

export const MEETING_REMINDER_JOB = 'meeting-reminder';
export const POST_MEETING_JOB = 'post-meeting';

export interface ReminderJob {
  meetingId: string;
  offsetSeconds: number;
  /** The start this reminder was set for (ISO). */
  startsAt: string;
}

export interface PostMeetingJob {
  meetingId: string;
  /** The end this job was set for (ISO). */
  endsAt: string;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Queues the meeting's reminders and post-meeting job. A reminder whose time has already passed when
 * Thread first sees the meeting is skipped (a 24-hour reminder for a meeting in 2 hours says nothing the
 * 1-hour one will not). Returns when each was set for.
 */
export async function setMeetingTimers(
  services: Services,
  meeting: { id: string; teamId: string; startsAt: Date; endsAt: Date },
  clock: Clock = systemClock,
): Promise<{ reminders: Date[]; after: Date | null }> {
  const now = clock.now();
  const startsAt = meeting.startsAt.toISOString();
  const endsAt = meeting.endsAt.toISOString();
  const reminders: Date[] = [];
  for (const offsetSeconds of await reminderOffsets(services.db, meeting.teamId)) {
    const at = new Date(meeting.startsAt.getTime() - offsetSeconds * 1000);
    if (at.getTime() <= now) continue;
    const data: ReminderJob = { meetingId: meeting.id, offsetSeconds, startsAt };
    await services.jobs.send(MEETING_REMINDER_JOB, data, { startAfter: at });
    reminders.push(at);
  }
  if (meeting.endsAt.getTime() <= now) return { reminders, after: null };
  const data: PostMeetingJob = { meetingId: meeting.id, endsAt };
  await services.jobs.send(POST_MEETING_JOB, data, { startAfter: meeting.endsAt });
  const look = new Date(meeting.endsAt.getTime() + FIRST_LOOK_AFTER_MS);
  await queueRecordingLook(services, { meetingId: meeting.id, endsAt, attempt: 1 }, look);
  return { reminders, after: meeting.endsAt };
}
