/** Some minutes after a meeting: look for its recording in Gong, again later if it is not there yet. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import {
  lookForRecording,
  MEETING_RECORDING_JOB,
  type RecordingJob,
} from '../../domain/meetings/recording.js';

/** Gong's 429s pass in seconds (3 calls a second per company); a longer outage is the next look's. */
const RETRY_LIMIT = 4;

export const meetingRecordingJob: JobSpec<Services, RecordingJob> = {
  name: MEETING_RECORDING_JOB,
  retryLimit: RETRY_LIMIT,
  retryDelaySeconds: 5,
  run: (services, data, meta) => lookForRecording(services, data, { lastTry: meta.attempt > RETRY_LIMIT }),
};
