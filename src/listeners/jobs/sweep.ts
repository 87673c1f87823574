/**
 * Every 10 minutes: trigger events, deliveries, handoff runs and milestone actions whose job never ran (a crash between
 * storing and queueing) go back to their job, and runs waiting for a connection that works again (its
 * recovery was missed) resume.
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { DELIVER_JOB } from '../../domain/deliveries/deliveries.js';
import { MILESTONE_ACTION_JOB, stuckActions } from '../../domain/milestones/actions.js';
import { stuckDeliveries, stuckTriggerEvents, stuckWorkflowRuns } from '../../domain/recovery/stuck-work.js';
import { HANDOFF_STEP_JOB } from '../../domain/workflows/handoff.js';
import { resumeRunsWaitingFor, runsReadyToResume } from '../../domain/workflows/waiting.js';
import { triggerEventJob } from './trigger-event.js';

export const SWEEP_JOB = 'sweep';

export const sweepJob: JobSpec<Services> = {
  name: SWEEP_JOB,
  schedule: '*/10 * * * *',
  retryLimit: 0, // the next round comes in ten minutes
  run: async (services) => {
    const events = await stuckTriggerEvents(services);
    const deliveries = await stuckDeliveries(services);
    const runs = await stuckWorkflowRuns(services);
    // A row whose job turns up after all gets two: the second finds it claimed or done and does nothing.
    for (const id of events) await services.jobs.send(triggerEventJob.name, { id });
    for (const id of deliveries) await services.jobs.send(DELIVER_JOB, { id });
    for (const runId of runs) await services.jobs.send(HANDOFF_STEP_JOB, { runId });
    const actions = await stuckActions(services);
    for (const a of actions) {
      await services.jobs.send(MILESTONE_ACTION_JOB, a);
    }
    let resumed = 0;
    for (const { teamId, provider } of await runsReadyToResume(services)) {
      resumed += await resumeRunsWaitingFor(services, teamId, provider);
    }
    return {
      events: events.length,
      deliveries: deliveries.length,
      runs: runs.length,
      actions: actions.length,
      resumed,
    };
  },
};
