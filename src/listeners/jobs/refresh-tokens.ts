/** Every 5 minutes: renew tokens before they expire, and retry connections in a retrying Error. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { refreshDueConnections } from '../../domain/connections/refresh-job.js';

export const refreshTokensJob: JobSpec<Services> = {
  name: 'refresh-tokens',
  schedule: '*/5 * * * *',
  // A failed round is not retried: each connection's failure is already recorded on it, and the next
  // round comes in five minutes.
  retryLimit: 0,
  expireInSeconds: 4 * 60,
  run: (services) => refreshDueConnections(services),
};
