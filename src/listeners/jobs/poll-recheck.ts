/**
 * Re-reads one record a webhook named (Notion's events carry ids only): the poll's entry rules, for one
 * record, now. A provider failure is thrown so the queue retries it with backoff; the schedule's next
 * poll would find the change anyway.
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { POLL_RECHECK_JOB, recheckRecord } from '../../domain/triggers/poll.js';

export const pollRecheckJob: JobSpec<Services, { teamId: string; provider: string; externalId: string }> = {
  name: POLL_RECHECK_JOB,
  retryLimit: 3,
  retryDelaySeconds: 5,
  expireInSeconds: 2 * 60,
  run: (services, data) => recheckRecord(services, data),
};
