/**
 * Work that was stored but whose job never ran: the process died between writing the row and queueing its
 * job (the two are not one transaction — pg-boss keeps its own). The sweep job hands such rows back to
 * their jobs; the handlers are idempotent (an event is processed once, a delivery posted once per key, a
 * run's finished steps never redone), so a row that had a job after all costs nothing but a no-op.
 *
 * Only rows in a window are swept: old enough that their own job has had its chance (retries and
 * Retry-After included), young enough that a row failing for good is not retried for ever.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';

export const STUCK_AFTER_MINUTES = 10;
export const GIVE_UP_AFTER_MINUTES = 60;

/** The sweep's window on a row's last-touched column: old enough to be stuck, young enough to retry. */
function inWindow(column: string) {
  return sql<boolean>`${sql.ref(column)} < now() - make_interval(mins => ${STUCK_AFTER_MINUTES})
    and ${sql.ref(column)} > now() - make_interval(mins => ${GIVE_UP_AFTER_MINUTES})`;
}

export async function stuckTriggerEvents(services: Services): Promise<string[]> {
  const rows = await services.db
    .selectFrom('trigger_events')
    .select('id')
    .where('processed_at', 'is', null)
    .where(inWindow('received_at'))
    .execute();
  return rows.map((r) => r.id);
}

export async function stuckDeliveries(services: Services): Promise<string[]> {
  const rows = await services.db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where(inWindow('updated_at'))
    .execute();
  return rows.map((r) => r.id);
}

/** Handoff runs still running whose job is gone (not retrying, not holding the run's lease). */
export async function stuckWorkflowRuns(services: Services): Promise<string[]> {
  const rows = await services.db
    .selectFrom('workflow_runs')
    .select('id')
    .where('status', '=', 'running')
    // A run waiting for a person is not stuck: fixing the connection resumes it (runsReadyToResume).
    .where('waiting_for', 'is', null)
    .where(inWindow('updated_at'))
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .execute();
  return rows.map((r) => r.id);
}

/** Finished deliveries are kept 30 days (what was posted, when, with which ts), then deleted. */
export async function pruneDeliveries(services: Services): Promise<number> {
  const r = await services.db
    .deleteFrom('deliveries')
    .where('status', 'in', ['delivered', 'failed'])
    .where('updated_at', '<', sql<Date>`now() - interval '30 days'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
