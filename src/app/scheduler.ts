/**
 * Scheduled jobs. node-cron ticks on every instance; each tick first claims its (job, time slot) row in
 * `job_slots` — only the instance whose insert lands runs the job, so a schedule fires once across N
 * instances. Old slots are pruned by the same mechanism.
 */
import cron from 'node-cron';
import { pruneLogs } from '../domain/connections/logs.js';
import { refreshDueConnections } from '../domain/connections/refresh-job.js';
import { pruneStates } from '../providers/oauth/state.js';
import type { Services } from './services.js';

export interface Job {
  name: string;
  /** cron expression (UTC). */
  schedule: string;
  run(services: Services): Promise<unknown>;
}

export const JOBS: Job[] = [
  { name: 'refresh-tokens', schedule: '*/5 * * * *', run: refreshDueConnections },
  {
    name: 'prune',
    schedule: '17 3 * * *',
    run: async (services) => {
      const logs = await pruneLogs(services);
      const states = await pruneStates(services);
      await services.db
        .deleteFrom('job_slots')
        .where('claimed_at', '<', new Date(Date.now() - 7 * 86400_000))
        .execute();
      return { logs, states };
    },
  },
];

/** Claims a slot; true for exactly one caller per (name, slot) across every instance. */
export async function claimSlot(services: Services, name: string, slot: string): Promise<boolean> {
  const r = await services.db
    .insertInto('job_slots')
    .values({ name, slot })
    .onConflict((oc) => oc.columns(['name', 'slot']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function runJobOnce(services: Services, job: Job, now = new Date()): Promise<boolean> {
  const slot = now.toISOString().slice(0, 16); // minute resolution: the finest any schedule uses
  if (!(await claimSlot(services, job.name, slot))) return false;
  const started = Date.now();
  try {
    const result = await services.inflight.track(job.run(services));
    services.logger.info({ job: job.name, ms: Date.now() - started, result }, 'scheduled job done');
  } catch (err) {
    services.logger.error({ err, job: job.name }, 'scheduled job failed');
  }
  return true;
}

export function startScheduler(services: Services): { stop(): void } {
  const tasks = JOBS.map((job) =>
    cron.schedule(job.schedule, () => void runJobOnce(services, job), { timezone: 'UTC', name: job.name }),
  );
  return {
    stop: () => {
      for (const t of tasks) t.stop();
    },
  };
}
