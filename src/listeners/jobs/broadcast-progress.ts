/** Edits a broadcast's progress report in its sender's DM, and follows again until every post finished. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { BROADCAST_PROGRESS_JOB, reportBroadcastProgress } from '../../domain/broadcast/broadcast.js';

export const broadcastProgressJob: JobSpec<Services, { id: string }> = {
  name: BROADCAST_PROGRESS_JOB,
  retryLimit: 3,
  retryDelaySeconds: 5,
  run: (services, data) => reportBroadcastProgress(services, data.id),
};
