/**
 * Telling a record *entering* the handoff stage from a record that merely sits in it, for triggers that
 * read state (polls, re-reads after an id-only webhook) rather than receive a stage-change event.
 *
 * Against the last stage Thread saw for each record (`trigger_seen_stages`):
 * - seen before in another stage (or none), now in the handoff stage → an entry;
 * - seen before in the handoff stage → nothing, whatever else changed (a later edit);
 * - never seen, now in the stage → an entry only if it got there after Thread started watching the
 *   source (the baseline): by the provider's stage-entry time when it keeps one (HubSpot, Salesforce);
 *   a source without one (Notion) first records what already sits in the stage (the sweep), so a row
 *   it has never seen in the stage afterwards must have come in since;
 * - archived / in the trash → never an entry (logged), and not recorded as seen: if it comes back and
 *   is then moved into the stage, that counts.
 *
 * Each entry becomes a trigger event whose id names the record, the stage and when it entered, so the same
 * entry read twice (two polls, a poll and a re-read) is stored once; the run's own key then makes a webhook
 * and a poll seeing the same change one handoff.
 *
 * Two-way through polls: a record read with Thread's own fields (`owned`: the onboarding stage, the CSM)
 * whose value differs from the one last seen on it becomes an `owned_field_changed` event — for records
 * that are an account of the team, and never during a sweep. The last seen values are kept next to the
 * stage, so an unrelated edit (the amount) reads the same values and follows nothing; Thread's own write
 * read back is an event too, which `followCrmChange` finds equal (or older than the write) and drops.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import type { OwnedField, PolledRecord } from '../../providers/types.js';
import { type IncomingTriggerEvent, recordTriggerEvents } from './events.js';

export interface Observation {
  teamId: string;
  provider: string;
  /** The stage whose entry starts a handoff. */
  stage: string;
  baseline: Date;
  /** True: these records are the sweep of what already sits in the stage — recorded, never fired. */
  sweeping: boolean;
  /** The source has no stage-entry times and swept first (see `DealSource.sweepsFirst`). */
  sweeps: boolean;
  records: readonly PolledRecord[];
}

/** Records what was seen and stores one trigger event per entry; returns the new events' ids. */
export async function observeRecords(
  services: Pick<Services, 'db' | 'logger'>,
  trx: Kysely<DB>,
  o: Observation,
): Promise<string[]> {
  const live = o.records.filter((r) => {
    if (!r.archived) return true;
    services.logger.info(
      { team: o.teamId, provider: o.provider, record: r.externalId },
      'an archived record was ignored by the trigger',
    );
    return false;
  });
  if (!live.length) return [];
  // One record may appear twice in a page (an overlapping window): its latest state counts.
  const latest = new Map<string, PolledRecord>();
  for (const r of live) {
    const had = latest.get(r.externalId);
    if (!had || had.modifiedAt <= r.modifiedAt) latest.set(r.externalId, r);
  }
  const ids = [...latest.keys()];
  const seenRows = await trx
    .selectFrom('trigger_seen_stages')
    .select(['external_id', 'stage', 'owned'])
    .where('team_id', '=', o.teamId)
    .where('provider', '=', o.provider)
    .where('external_id', 'in', ids)
    .execute();
  const seen = new Map(seenRows.map((r) => [r.external_id, r.stage]));
  const seenOwned = new Map(seenRows.map((r) => [r.external_id, (r.owned ?? {}) as OwnedValues]));

  const entries: IncomingTriggerEvent[] = [];
  for (const r of latest.values()) {
    if (o.sweeping || r.stage !== o.stage) continue;
    if (seen.has(r.externalId) ? seen.get(r.externalId) === o.stage : !enteredSinceBaseline(r, o)) continue;
    const enteredAt = r.stageEnteredAt ?? r.modifiedAt;
    entries.push({
      teamId: o.teamId,
      provider: o.provider,
      eventId: `${o.teamId}:${r.externalId}:entered:${o.stage}:${enteredAt}`,
      event: { kind: 'deal_stage_changed', externalId: r.externalId, stage: o.stage, occurredAt: enteredAt },
    });
  }

  if (!o.sweeping) entries.push(...(await ownedChanges(trx, o, [...latest.values()], seenOwned)));

  await trx
    .insertInto('trigger_seen_stages')
    .values(
      [...latest.values()].map((r) => ({
        team_id: o.teamId,
        provider: o.provider,
        external_id: r.externalId,
        stage: r.stage,
        owned: r.owned ? JSON.stringify(r.owned) : undefined,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['team_id', 'provider', 'external_id']).doUpdateSet((eb) => ({
        stage: eb.ref('excluded.stage'),
        // Merged: a read without a field (the team stopped keeping it) forgets nothing.
        owned: sql`coalesce(trigger_seen_stages.owned, '{}'::jsonb) || coalesce(excluded.owned, '{}'::jsonb)`,
        seen_at: new Date(),
      })),
    )
    .execute();
  return recordTriggerEvents(services, entries, trx);
}

type OwnedValues = Partial<Record<OwnedField, string>>;

/**
 * One follow event per owned value that differs from the last one seen on the record (never seen counts
 * as empty, so a field nobody filled in follows nothing), for records that are accounts of this team
 * from this source. The event id names the record, the field, the record's modified time and the value,
 * so the same change read by overlapping polls is one stored event.
 */
async function ownedChanges(
  trx: Kysely<DB>,
  o: Observation,
  records: readonly PolledRecord[],
  seenOwned: ReadonlyMap<string, OwnedValues>,
): Promise<IncomingTriggerEvent[]> {
  const changed = records.flatMap((r) =>
    Object.entries(r.owned ?? {})
      .filter(([field, value]) => value !== (seenOwned.get(r.externalId)?.[field as OwnedField] ?? ''))
      .map(([field, value]) => ({ r, field: field as OwnedField, value })),
  );
  if (!changed.length) return [];
  const accounts = new Set(
    (
      await trx
        .selectFrom('accounts')
        .select('external_id')
        .where('team_id', '=', o.teamId)
        .where('source', '=', o.provider as never)
        .where('external_id', 'in', [...new Set(changed.map((c) => c.r.externalId))])
        .execute()
    ).map((a) => a.external_id),
  );
  return changed
    .filter((c) => accounts.has(c.r.externalId))
    .map(({ r, field, value }) => ({
      teamId: o.teamId,
      provider: o.provider,
      eventId: `${o.teamId}:${r.externalId}:owned:${field}:${r.modifiedAt}:${digest(value)}`,
      event: {
        kind: 'owned_field_changed',
        externalId: r.externalId,
        field,
        value,
        occurredAt: r.modifiedAt,
      },
    }));
}

/** A value in an event id: short and fixed-length, whatever someone typed into the CRM. */
const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

/** A record Thread has never seen, found in the stage: did it get there after Thread started watching? */
function enteredSinceBaseline(r: PolledRecord, o: Observation): boolean {
  // Without stage-entry times (Notion), the sweep recorded everything already in the stage: a row it
  // did not see there came in afterwards.
  if (o.sweeps) return true;
  // Salesforce leaves LastStageChangeDate empty on a record created straight into its stage: then its
  // creation is its entry.
  const entered = r.stageEnteredAt ?? r.createdAt ?? r.modifiedAt;
  return new Date(entered) >= o.baseline;
}
