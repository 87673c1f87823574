/**
 * The poll schedule through the real app: the once-a-minute `poll-sources` job queues a poll for each
 * connected, set-up source that is due by the team's interval — and none for one polled within it.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollSource } from '../../src/domain/triggers/poll.js';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import { polling } from './polling.js';

const world = useConnectorWorld();
const t = polling(world);

beforeAll(async () => {
  await connectVia(world.app, world.emulators.byId.hubspot!, 'hubspot');
});

const pollJobs = async () =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from pgboss.job where name = 'poll-source'`.execute(
        t.db(),
      )
    ).rows[0]?.n,
  );

async function tick() {
  const before = await pollJobs();
  const id = await world.app.thread.services.jobs.send('poll-sources');
  await world.app.until(
    async () => (await world.app.thread.jobs.state('poll-sources', id!)) === 'completed',
    'the schedule tick',
    10_000,
  );
  return (await pollJobs()) - before;
}

describe('poll schedule', () => {
  it('polls a connected source once per interval, and a source without its settings never', async () => {
    // HubSpot is connected (stage closedwon by default); Salesforce and Notion are not connected.
    expect(await tick()).toBe(1);
    const first = await world.app.until(
      async () => (await t.cursorOf('hubspot'))?.last_polled_at,
      'first poll',
    );
    expect(await t.cursorOf('salesforce')).toBeUndefined();
    // Within the interval (60 s by default): nothing.
    expect(await tick()).toBe(0);

    // An interval under a minute cannot be kept by a once-a-minute schedule: the database refuses it.
    await expect(
      updateWorkflowSettings(t.db(), world.app.teamId, { pollIntervalSeconds: 30 }, 'UADMIN'),
    ).rejects.toThrow(/poll_interval_seconds_check/);

    // Due again once the interval has passed (the last poll moved back in time).
    await t
      .db()
      .updateTable('trigger_poll_cursors')
      .set({ last_polled_at: new Date(first.getTime() - 61_000) })
      .where('provider', '=', 'hubspot')
      .execute();
    expect(await tick()).toBe(1);
    await updateWorkflowSettings(t.db(), world.app.teamId, { pollIntervalSeconds: 3600 }, 'UADMIN');
    await t
      .db()
      .updateTable('trigger_poll_cursors')
      .set({ last_polled_at: new Date(Date.now() - 120_000) })
      .where('provider', '=', 'hubspot')
      .execute();
    expect(await tick()).toBe(0);

    // The workflow off: no polls at all.
    await updateWorkflowSettings(
      t.db(),
      world.app.teamId,
      { pollIntervalSeconds: 60, enabled: false },
      'UADMIN',
    );
    expect(await tick()).toBe(0);
  });

  it('a source being polled is not polled again at the same time: the second finds its cursor row locked', async () => {
    await updateWorkflowSettings(t.db(), world.app.teamId, { enabled: true }, 'UADMIN');
    const services = world.app.thread.services;
    const input = { teamId: world.app.teamId, provider: 'hubspot', force: true };
    await t
      .db()
      .transaction()
      .execute(async (trx) => {
        await trx
          .selectFrom('trigger_poll_cursors')
          .selectAll()
          .where('provider', '=', 'hubspot')
          .forUpdate()
          .execute();
        expect(await pollSource(services, input)).toEqual({ outcome: 'busy' });
      });
    expect((await pollSource(services, input)).outcome).toBe('polled');
  });
});
