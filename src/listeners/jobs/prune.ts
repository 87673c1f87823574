/**
 * Daily: delete what Thread promises not to keep (old integration logs, spent OAuth states, old trigger
 * events, finished deliveries after 30 days).
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { pruneLogs } from '../../domain/connections/logs.js';
import { pruneStates } from '../../domain/connections/oauth-states.js';
import { pruneDeliveries } from '../../domain/recovery/stuck-work.js';
import { pruneTriggerEvents } from '../../domain/triggers/events.js';

export const pruneJob: JobSpec<Services> = {
  name: 'prune',
  schedule: '17 3 * * *',
  retryLimit: 3,
  retryDelaySeconds: 60,
  run: async (services) => ({
    logs: await pruneLogs(services),
    states: await pruneStates(services),
    triggerEvents: await pruneTriggerEvents(services),
    deliveries: await pruneDeliveries(services),
  }),
};
