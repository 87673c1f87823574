/**
 * Polling a source of deals (HubSpot's fallback to its webhook, Salesforce, Notion): one provider request
 * per poll, from a cursor persisted per (team, source).
 *
 * One poll, in one transaction holding the cursor row's lock (a second instance polling the same source
 * skips it rather than waiting — SKIP LOCKED):
 *   load the cursor → ask the provider for the page after it (through withProvider: a live token, and a
 *   failure classified and recorded on the connection, so the dashboard says why) → record what was seen
 *   and one trigger event per stage entry (entries.ts) → move the cursor → commit → queue the events'
 *   `trigger-event` jobs.
 * A failed poll (429, 500, network, a revoked grant) records the failure on the cursor row and leaves the
 * cursor where it was: the next poll reads the same changes again. A job that could not be queued after the
 * commit is handed back by the sweep (domain/recovery), as for webhooks.
 */
import { sql } from 'kysely';
import type { Connection } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { findProviderDefinition, PROVIDERS } from '../../providers/registry.js';
import { type DealSource, type PollPage, ProviderError } from '../../providers/types.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import {
  dealSourceOptions,
  handoffStageFor,
  workflowSettings,
  writeBackOptions,
} from '../workflows/settings.js';
import { observeRecords } from './entries.js';

export const TRIGGER_EVENT_JOB = 'trigger-event';
/** One poll of one source. */
export const POLL_SOURCE_JOB = 'poll-source';
/** One record re-read after an id-only webhook. */
export const POLL_RECHECK_JOB = 'poll-recheck';

export type PollOutcome =
  | { outcome: 'polled'; records: number; entries: number }
  | { outcome: 'failed'; code: string }
  | {
      outcome:
        | 'baseline set'
        | 'busy'
        | 'not due'
        | 'not set up'
        | 'not connected'
        | 'workflow off'
        | 'not pollable';
    };

/** Connections in these Error states are still polled: the failure is the provider's, and passes. */
const RETRYING_ERRORS = ['rate_limited', 'temporary'];

/** What a source needs before it can be polled: its code, the team's stage for it, a usable connection. */
async function pollTarget(services: Services, teamId: string, provider: string) {
  const deals = findProviderDefinition(provider)?.deals;
  if (!deals?.poll) return { skip: 'not pollable' as const };
  const settings = await workflowSettings(services.db, teamId);
  if (!settings.enabled) return { skip: 'workflow off' as const };
  const stage = handoffStageFor(settings, provider);
  if (!stage) return { skip: 'not set up' as const };
  const connection = await activeConnection(services.db, teamId, provider);
  if (!connection) return { skip: 'not connected' as const };
  // The write-back's field names too: the poll reads Thread's own fields back to follow changes made there.
  const options = { ...dealSourceOptions(settings), owned: writeBackOptions(settings) };
  return { deals, stage, connection, options, settings };
}

/** Creates the source's cursor row the first time: its baseline is now. */
async function ensureCursor(services: Services, teamId: string, provider: string, deals: DealSource) {
  await services.db
    .insertInto('trigger_poll_cursors')
    .values({ team_id: teamId, provider, sweeping: Boolean(deals.sweepsFirst) })
    .onConflict((oc) => oc.columns(['team_id', 'provider']).doNothing())
    .execute();
}

/**
 * One poll of a team's source. `force`: poll even if the interval has not passed (a webhook asked for it);
 * otherwise a source polled less than its interval ago is left alone (two schedule ticks, one poll).
 */
export async function pollSource(
  services: Services,
  input: { teamId: string; provider: string; force?: boolean },
): Promise<PollOutcome> {
  const { teamId, provider } = input;
  const target = await pollTarget(services, teamId, provider);
  if ('skip' in target) return { outcome: target.skip ?? 'not pollable' };
  const { deals, stage, connection, options, settings } = target;
  await ensureCursor(services, teamId, provider, deals);

  const { result, queued } = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('trigger_poll_cursors')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('provider', '=', provider)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return { result: { outcome: 'busy' } as PollOutcome, queued: [] };
    // A little short of the interval: the schedule ticks once a minute, give or take a second.
    const dueAt = (row.last_polled_at?.getTime() ?? 0) + settings.pollIntervalSeconds * 1000 - 5000;
    if (!input.force && Date.now() < dueAt)
      return { result: { outcome: 'not due' } as PollOutcome, queued: [] };

    if (row.cursor === null && !row.sweeping) {
      // The first poll only marks where watching starts: nothing before the baseline can be an entry,
      // so there is nothing to ask the provider yet.
      await trx
        .updateTable('trigger_poll_cursors')
        .set({ cursor: '{}', last_polled_at: new Date(), last_success_at: new Date() })
        .where('team_id', '=', teamId)
        .where('provider', '=', provider)
        .execute();
      return { result: { outcome: 'baseline set' } as PollOutcome, queued: [] };
    }

    let page: PollPage;
    try {
      page = await withProvider(services, connection, (ctx) =>
        deals.poll!(ctx, {
          cursor: row.cursor,
          baseline: row.baseline_at.toISOString(),
          stage,
          sweeping: row.sweeping,
          options,
        }),
      );
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      await trx
        .updateTable('trigger_poll_cursors')
        .set({
          last_polled_at: new Date(),
          last_error: `${err.code}: ${err.message}`.slice(0, 500),
          last_error_at: new Date(),
          consecutive_failures: sql<number>`consecutive_failures + 1`,
        })
        .where('team_id', '=', teamId)
        .where('provider', '=', provider)
        .execute();
      services.logger.warn(
        { team: teamId, provider, code: err.code, failures: row.consecutive_failures + 1 },
        'trigger poll failed; its cursor stays and the next poll reads the same changes',
      );
      return { result: { outcome: 'failed', code: err.code } as PollOutcome, queued: [] };
    }

    const ids = await observeRecords(services, trx, {
      teamId,
      provider,
      stage,
      baseline: row.baseline_at,
      sweeping: row.sweeping,
      sweeps: Boolean(deals.sweepsFirst),
      records: page.records,
    });
    await trx
      .updateTable('trigger_poll_cursors')
      .set({
        cursor: JSON.stringify(page.cursor),
        // A source that keeps no entry times says when its sweep is done (or starts over: another database).
        sweeping: page.sweeping ?? false,
        last_polled_at: new Date(),
        last_success_at: new Date(),
        last_error: null,
        last_error_at: null,
        consecutive_failures: 0,
      })
      .where('team_id', '=', teamId)
      .where('provider', '=', provider)
      .execute();
    return {
      result: { outcome: 'polled', records: page.records.length, entries: ids.length } as PollOutcome,
      queued: ids,
    };
  });
  await queueTriggerEvents(services, queued);
  return result;
}

/**
 * Re-reads one record after a webhook that names it but carries nothing to trust (Notion's): the same
 * entry rules as a poll, under the same lock, so a webhook and a poll never both count one entry. Before
 * the source's first poll (no baseline yet) it does nothing: that poll will see the record.
 */
export async function recheckRecord(
  services: Services,
  input: { teamId: string; provider: string; externalId: string },
): Promise<PollOutcome | { outcome: 'not in the source' }> {
  const { teamId, provider, externalId } = input;
  const target = await pollTarget(services, teamId, provider);
  if ('skip' in target) return { outcome: target.skip ?? 'not pollable' };
  const { deals, stage, connection, options } = target;
  if (!deals.readRecord) return { outcome: 'not pollable' };

  const { result, queued } = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('trigger_poll_cursors')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('provider', '=', provider)
      .forUpdate()
      .executeTakeFirst();
    if (!row?.cursor || row.sweeping) return { result: { outcome: 'not set up' } as const, queued: [] };
    // A failure throws: the job retries it (the connection records it, as for any call).
    const record = await withProvider(services, connection, (ctx) =>
      deals.readRecord!(ctx, externalId, { stage, options }),
    );
    if (!record) return { result: { outcome: 'not in the source' } as const, queued: [] };
    const ids = await observeRecords(services, trx, {
      teamId,
      provider,
      stage,
      baseline: row.baseline_at,
      sweeping: false,
      sweeps: Boolean(deals.sweepsFirst),
      records: [record],
    });
    return { result: { outcome: 'polled', records: 1, entries: ids.length } as const, queued: ids };
  });
  await queueTriggerEvents(services, queued);
  return result;
}

/** The events' jobs. Stored already: one that cannot be queued now is handed back by the sweep. */
async function queueTriggerEvents(services: Services, ids: readonly string[]): Promise<void> {
  try {
    // One insert for the page's events, as a webhook batch queues its own.
    await services.jobs.sendMany(
      TRIGGER_EVENT_JOB,
      ids.map((id) => ({ data: { id } })),
    );
  } catch (err) {
    services.logger.error({ err, events: ids.length }, 'could not queue trigger events; the sweep will');
  }
}

/** The sources to poll now: connected (or failing in a way that passes), set up, due by their interval. */
export async function dueSources(services: Services): Promise<{ teamId: string; provider: string }[]> {
  const pollable = pollableProviders();
  if (!pollable.length) return [];
  const connections: Pick<Connection, 'team_id' | 'provider'>[] = await services.db
    .selectFrom('connections')
    .select(['team_id', 'provider'])
    .where('provider', 'in', pollable)
    .where('token_secret_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'connected'),
        eb.and([eb('status', '=', 'error'), eb('error_code', 'in', RETRYING_ERRORS)]),
      ]),
    )
    .execute();
  const due: { teamId: string; provider: string }[] = [];
  for (const c of connections) {
    const settings = await workflowSettings(services.db, c.team_id);
    if (!settings.enabled || !handoffStageFor(settings, c.provider)) continue;
    const row = await services.db
      .selectFrom('trigger_poll_cursors')
      .select('last_polled_at')
      .where('team_id', '=', c.team_id)
      .where('provider', '=', c.provider)
      .executeTakeFirst();
    const last = row?.last_polled_at?.getTime() ?? 0;
    if (Date.now() >= last + settings.pollIntervalSeconds * 1000 - 5000) {
      due.push({ teamId: c.team_id, provider: c.provider });
    }
  }
  return due;
}

/** Every provider whose deal source can be polled (HubSpot, Salesforce, Notion today). */
export function pollableProviders(): string[] {
  return PROVIDERS.filter((p) => p.deals?.poll).map((p) => p.id);
}
