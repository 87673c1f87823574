/** An account's stage and CSM written to its CRM record after a change outside a run (a milestone). */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import {
  ACCOUNT_WRITE_BACK_JOB,
  type AccountWriteBackJob,
  writeBackChange,
} from '../../domain/workflows/write-back.js';

export const accountWriteBackJob: JobSpec<Services, AccountWriteBackJob> = {
  name: ACCOUNT_WRITE_BACK_JOB,
  retryLimit: 5,
  retryDelaySeconds: 5,
  run: (services, data) => writeBackChange(services, data),
};
