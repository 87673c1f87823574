/**
 * Every minute: each team's connected calendar (Google, Microsoft) is synced incrementally for kickoffs.
 * The scheduled run fans out one job per (team, provider), each a singleton, so one slow calendar never
 * holds up another and two overlapping rounds never sync the same calendar at once.
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
      await services.jobs.send(
        CALENDAR_SYNC_JOB,
        { teamId, provider },
        { singletonKey: `${teamId}:${provider}` },
      );
    }
    return { calendars: all.length };
  },
};
