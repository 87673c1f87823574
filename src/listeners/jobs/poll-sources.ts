/**
 * Every minute: one `poll-source` job per (team, source) that is due by the team's poll interval. pg-boss
 * sends each minute's tick once across instances; the poll itself takes the source's cursor row with SKIP
 * LOCKED, so two ticks or two instances never poll one source at once.
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { dueSources, POLL_SOURCE_JOB } from '../../domain/triggers/poll.js';

export const pollSourcesJob: JobSpec<Services> = {
  name: 'poll-sources',
  schedule: '* * * * *',
  // The next tick is the retry.
  retryLimit: 0,
  expireInSeconds: 50,
  async run(services) {
    const due = await dueSources(services);
    for (const source of due) {
      await services.jobs.send(POLL_SOURCE_JOB, source);
    }
    return { queued: due.length };
  },
};
