/**
 * Trigger events: what a provider told Thread (a deal entered a stage), already normalized by its
 * listener, stored once per provider event and processed from the job queue.
 *
 * `onTriggerEvent` hands each event to the handoff workflow (domain/workflows).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import type { TriggerEvent } from '../../providers/types.js';
import { claimable, claimBy } from '../recovery/claims.js';
import { followCrmChange } from '../workflows/follow-crm.js';
import { startHandoff } from '../workflows/handoff.js';

export type { TriggerEvent };

export interface IncomingTriggerEvent {
  teamId: string;
  provider: string;
  /** The provider's id for this event (retries repeat it): the dedupe key. */
  eventId: string;
  event: TriggerEvent;
}

/** Processed events are kept this long (HubSpot stops retrying a delivery within about a day). */
export const TRIGGER_EVENT_RETENTION_DAYS = 30;

/**
 * Stores the events not seen before and returns the row ids to queue: the new ones, and any already
 * stored but not processed yet — its job may have died with a process that stopped between storing and
 * queueing it, and a second job for an event finds it claimed or processed and does nothing. An event already processed (a provider's retry
 * of a delivery that went through) returns nothing. `db` may be a transaction (a poll stores its events
 * and moves its cursor in one).
 */
export async function recordTriggerEvents(
  services: Pick<Services, 'db'>,
  events: readonly IncomingTriggerEvent[],
  db: Kysely<DB> = services.db,
): Promise<string[]> {
  if (!events.length) return [];
  const rows = await db
    .insertInto('trigger_events')
    .values(
      events.map(({ teamId, provider, eventId, event }) => {
        const { kind, externalId, ...fields } = event;
        return {
          team_id: teamId,
          provider,
          event_id: eventId,
          kind,
          external_id: externalId,
          payload: JSON.stringify(fields),
        };
      }),
    )
    // A no-op update, so that an unprocessed row already stored is returned too.
    .onConflict((oc) =>
      oc
        .columns(['provider', 'event_id'])
        .doUpdateSet({ provider: sql`excluded.provider` })
        .where('trigger_events.processed_at', 'is', null),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Undoes recordTriggerEvents for rows whose job could not be queued, so the provider's retry stores them
 * again — except a row a job is working on right now (stored earlier, asked for again meanwhile).
 */
export async function forgetTriggerEvents(services: Services, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await services.db
    .deleteFrom('trigger_events')
    .where('id', 'in', ids)
    .where('processed_at', 'is', null)
    .where(claimable(null))
    .execute();
}

/** Which team connected a provider account (HubSpot portal id = the connection's external account id). */
export async function teamsForAccounts(
  services: Services,
  provider: string,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  if (!accountIds.length) return new Map();
  const rows = await services.db
    .selectFrom('connections')
    .select(['team_id', 'external_account_id'])
    .where('provider', '=', provider)
    .where('status', '<>', 'available')
    .where('external_account_id', 'in', accountIds)
    // One portal connected by two workspaces: the first to connect it receives its events.
    .orderBy('connected_at', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.external_account_id!, r.team_id]));
}

/** How long a job holds an event it is processing; starting a handoff takes a few queries. */
const CLAIM_SECONDS = 2 * 60;

/**
 * The job's work: hand one stored event to the workflow seam, once. The job claims the event first
 * (recovery/claims), so a second job for it — queued by an instance that saw the event again while the
 * first was on its way — finds it taken and does nothing.
 */
export async function processTriggerEvent(
  services: Services,
  id: string,
  jobId?: string,
): Promise<'processed' | 'already processed' | 'busy' | 'gone'> {
  const claimer = jobId ?? null;
  const row = await services.db
    .updateTable('trigger_events')
    .set(claimBy(claimer, CLAIM_SECONDS))
    .where('id', '=', id)
    .where('processed_at', 'is', null)
    .where(claimable(claimer))
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const seen = await services.db
      .selectFrom('trigger_events')
      .select('processed_at')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!seen) return 'gone';
    return seen.processed_at ? 'already processed' : 'busy';
  }
  const event = {
    ...(row.payload as Omit<TriggerEvent, 'kind' | 'externalId'>),
    kind: row.kind,
    externalId: row.external_id,
  } as TriggerEvent;
  await onTriggerEvent(services, { teamId: row.team_id, provider: row.provider, event });
  await services.db
    .updateTable('trigger_events')
    .set({ processed_at: sql<Date>`now()`, claimed_until: null, claimed_by: null })
    .where('id', '=', id)
    .execute();
  return 'processed';
}

/** Where a trigger starts the handoff workflow (one run per deal entering the team's handoff stage). */
export async function onTriggerEvent(
  services: Services,
  input: { teamId: string; provider: string; event: TriggerEvent },
): Promise<void> {
  const { event } = input;
  const outcome =
    event.kind === 'owned_field_changed'
      ? await followCrmChange(services, { teamId: input.teamId, source: input.provider, ...event })
      : await startHandoff(services, input);
  services.logger.info(
    { team: input.teamId, provider: input.provider, ...input.event, outcome },
    'trigger event',
  );
}

export async function pruneTriggerEvents(services: Services, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - TRIGGER_EVENT_RETENTION_DAYS * 24 * 3600 * 1000);
  const r = await services.db
    .deleteFrom('trigger_events')
    .where('received_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
