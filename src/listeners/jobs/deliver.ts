/** Posts one queued Slack delivery (see domain/deliveries: once per key, paced, Retry-After honoured). */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { DELIVER_JOB, deliver } from '../../domain/deliveries/deliveries.js';

const RETRY_LIMIT = 5;

export const deliverJob: JobSpec<Services, { id: string }> = {
  name: DELIVER_JOB,
  retryLimit: RETRY_LIMIT,
  retryDelaySeconds: 5,
  // Posts are due on one-second slots per channel: a worker that looks every half second keeps them on
  // time, and a few at once keep up with many channels (1,000 posts over 50 channels: see the bench).
  workers: 4,
  // One post takes well under a second (the Slack call gives up after 20 s): a job of a process that died
  // mid-post expires soon and is retried.
  expireInSeconds: 30,
  pollingIntervalSeconds: 0.5,
  run: (services, data, meta) =>
    deliver(services, data.id, { lastTry: meta.attempt > RETRY_LIMIT, jobId: meta.id }),
};
