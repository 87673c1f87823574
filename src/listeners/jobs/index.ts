/** Every background job Thread runs. The app wires them to pg-boss (`src/app/jobs.ts`). */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { accountWriteBackJob } from './account-write-back.js';
import { broadcastProgressJob } from './broadcast-progress.js';
import { calendarSyncJob } from './calendar-sync.js';
import { deliverJob } from './deliver.js';
import { handoffStepJob } from './handoff-step.js';
import { meetingRecordingJob } from './meeting-recording.js';
import { meetingReminderJob } from './meeting-reminder.js';
import { milestoneActionJob } from './milestone-action.js';
import { pollRecheckJob } from './poll-recheck.js';
import { pollSourceJob } from './poll-source.js';
import { pollSourcesJob } from './poll-sources.js';
import { postMeetingJob } from './post-meeting.js';
import { pruneJob } from './prune.js';
import { refreshTokensJob } from './refresh-tokens.js';
import { sweepJob } from './sweep.js';
import { triggerEventJob } from './trigger-event.js';

export const JOB_SPECS: readonly JobSpec<Services, never>[] = [
  refreshTokensJob,
  pruneJob,
  triggerEventJob,
  deliverJob,
  handoffStepJob,
  sweepJob,
  calendarSyncJob,
  meetingReminderJob,
  postMeetingJob,
  meetingRecordingJob,
  broadcastProgressJob,
  pollSourcesJob,
  pollSourceJob,
  pollRecheckJob,
  milestoneActionJob,
  accountWriteBackJob,
];
