/** Does a handoff run's remaining steps (see domain/workflows: a succeeded step is never redone). */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { HANDOFF_STEP_JOB, runHandoffSteps } from '../../domain/workflows/handoff.js';

// 3 s doubling six times: a provider outage of about three minutes is ridden out before the run fails.
const RETRY_LIMIT = 6;

export const handoffStepJob: JobSpec<Services, { runId: string }> = {
  name: HANDOFF_STEP_JOB,
  retryLimit: RETRY_LIMIT,
  retryDelaySeconds: 3,
  // Shorter than the run's claim (5 minutes), so a retry after an expired job finds it free soon after.
  expireInSeconds: 4 * 60,
  async run(services, data, meta) {
    const result = await runHandoffSteps(services, data.runId, {
      lastTry: meta.attempt > RETRY_LIMIT,
      jobId: meta.id,
    });
    // Recorded on the run first; throwing hands the retry and its backoff to the queue.
    if (result.outcome === 'retrying')
      throw new Error(`handoff step ${result.step} failed: ${result.reason}`);
    return result;
  },
};
