/** One poll of one team's source (see domain/triggers/poll.ts); a failure is recorded there, not thrown. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { POLL_SOURCE_JOB, pollSource } from '../../domain/triggers/poll.js';

export const pollSourceJob: JobSpec<Services, { teamId: string; provider: string; force?: boolean }> = {
  name: POLL_SOURCE_JOB,
  // A provider failure is recorded on the cursor and the next due poll is the retry; what is thrown here
  // (the database went away) is retried by the queue.
  retryLimit: 2,
  retryDelaySeconds: 10,
  expireInSeconds: 2 * 60,
  run: (services, data) => pollSource(services, data),
};
