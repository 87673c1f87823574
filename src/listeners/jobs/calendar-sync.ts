/**
 * Every minute: each team's connected calendar (Google, Microsoft) is synced incrementally for kickoffs.
 * The scheduled run fans out one job per (team, provider), so one slow calendar never holds up another.
 * Two rounds overlapping on one calendar (a sync slower than a minute) read the same changes twice, which
 * changes nothing: every write of a sync is idempotent (see domain/meetings/sync.ts).
 */
import type { JobSpec } from '../../app/jobs.js';
import type { Services } from '../../app/services.js';
import { CALENDAR_SYNC_JOB, calendarConnections, syncCalendar } from '../../domain/meetings/sync.js';

export const calendarSyncJob: JobSpec<Services, { teamId?: string; provider?: string }> = {
  name: CALENDAR_SYNC_JOB,
  schedule: '* * * * *',
  retryLimit: 2,
  retryDelaySeconds: 20,
  run: async (services, data) => {
    if (data.teamId && data.provider) return syncCalendar(services, data.teamId, data.provider);
    const all = await calendarConnections(services);
    for (const { teamId, provider } of all) {
      await services.jobs.send(CALENDAR_SYNC_JOB, { teamId, provider });
    }
    return { calendars: all.length };
  },
};
