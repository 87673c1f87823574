/** After a meeting ends: the CSM's DM with Mark kickoff complete / Log notes / Schedule next meeting. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { sendPostMeeting } from '../../domain/meetings/notify.js';
import { POST_MEETING_JOB, type PostMeetingJob } from '../../domain/meetings/timers.js';

export const postMeetingJob: JobSpec<Services, PostMeetingJob> = {
  name: POST_MEETING_JOB,
  retryLimit: 3,
  retryDelaySeconds: 5,
  run: (services, data) => sendPostMeeting(services, data),
};
