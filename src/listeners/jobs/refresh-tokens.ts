/**
 * Every 5 minutes: renew tokens before they expire, retry connections in a retrying Error, and keep the
 * dashboard honest about tokens the encryption key no longer opens (and their recovery after keys:rotate).
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { checkSealedTokens } from '../../domain/connections/key-rotation.js';
import { refreshDueConnections } from '../../domain/connections/refresh-job.js';

export const refreshTokensJob: JobSpec<Services> = {
  name: 'refresh-tokens',
  schedule: '*/5 * * * *',
  // A failed round is not retried: each connection's failure is already recorded on it, and the next
  // round comes in five minutes.
  retryLimit: 0,
  expireInSeconds: 4 * 60,
  run: async (services) => ({
    sealed: await checkSealedTokens(services),
    ...(await refreshDueConnections(services)),
  }),
};
