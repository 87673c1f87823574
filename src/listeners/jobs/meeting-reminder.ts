/** A meeting's reminder, due at start − offset (domain/meetings/timers.ts); does nothing if it moved. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { sendReminder } from '../../domain/meetings/notify.js';
import { MEETING_REMINDER_JOB, type ReminderJob } from '../../domain/meetings/timers.js';

export const meetingReminderJob: JobSpec<Services, ReminderJob> = {
  name: MEETING_REMINDER_JOB,
  retryLimit: 3,
  retryDelaySeconds: 5,
  run: (services, data) => sendReminder(services, data),
};
