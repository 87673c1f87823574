/** A template action of a started milestone, at its time (domain/milestones/actions.ts). */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { MILESTONE_ACTION_JOB, type MilestoneActionJob, runAction } from '../../domain/milestones/actions.js';

export const milestoneActionJob: JobSpec<Services, MilestoneActionJob> = {
  name: MILESTONE_ACTION_JOB,
  retryLimit: 5,
  retryDelaySeconds: 10,
  run: (services, data) => runAction(services, data),
};
