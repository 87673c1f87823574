/** Hands one stored trigger event (a webhook's, deduplicated) to the domain, once. */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { processTriggerEvent } from '../../domain/triggers/events.js';

export const triggerEventJob: JobSpec<Services, { id: string }> = {
  name: 'trigger-event',
  retryLimit: 5,
  retryDelaySeconds: 5,
  run: (services, data, meta) => processTriggerEvent(services, data.id, meta.id),
};
