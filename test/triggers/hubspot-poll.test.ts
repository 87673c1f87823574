/**
 * HubSpot's polling fallback through the real app: `poll-source` job → CRM search through the SDK against
 * the emulator (strict: HubSpot's search body rules, paging cap, its own rate limit) → entry detection →
 * trigger event → handoff. Fires on entering the stage only; a failed poll never moves its cursor.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionRow, connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { handoffSetUp, ONE_HANDOFF, polling } from './polling.js';

const world = useConnectorWorld();
const t = polling(world);
let hubspot: HubSpotEmulator;

function addDeal(id: string, name: string, stage = 'appointmentscheduled') {
  hubspot.deals.push({
    id,
    properties: { dealname: name, dealstage: stage, pipeline: 'default', amount: '1000' },
  });
  hubspot.editDeal(id, {});
}

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  await connectVia(world.app, hubspot, 'hubspot');
  await handoffSetUp(world);
  // A deal that was already Closed Won before Thread watched this portal.
  addDeal('7000', 'Old Closed Deal', 'closedwon');
  hubspot.deals.find((d) => d.id === '7000')!.properties.hs_v2_date_entered_closedwon = new Date(
    Date.now() - 86_400_000,
  ).toISOString();
  // The first poll sets the baseline without asking HubSpot anything.
  const first = await t.poll('hubspot');
  expect(first.cursor).toEqual({});
  expect(hubspot.searches).toHaveLength(0);
});

const SEARCH = '/crm/v3/objects/deals/search';

describe('HubSpot polling fallback', () => {
  it('a deal entering closedwon: one account with the milestones, one post, one DM — however often it is seen', async () => {
    addDeal('7001', 'Polled Globex');
    await t.poll('hubspot');
    expect(await t.runsOf('hubspot', '7001')).toHaveLength(0);

    hubspot.moveDeal('7001', 'closedwon');
    await t.poll('hubspot');
    expect((await t.handoffDone('hubspot', '7001')).status).toBe('completed');

    // The search HubSpot got: modified-time window, one ascending sort, the stage-entry properties, ≤ 200.
    const search = hubspot.searches.at(-1)!;
    expect(search).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
    });
    expect(search.properties).toContain('hs_v2_date_entered_closedwon');

    // Later edits of a deal sitting in the stage, polls reading the same window again, and the webhook
    // for the same change: none is a second entry.
    hubspot.editDeal('7001', { amount: '2000' });
    await t.poll('hubspot');
    await t.poll('hubspot');
    const res = await postHubSpot(
      `${world.app.url}/webhooks/hubspot`,
      [dealStageEvent(hubspot.portal.id, { dealId: 7001 })],
      { secret: world.emulators.env.HUBSPOT_CLIENT_SECRET! },
    );
    expect(res.status).toBe(200);
    await t.eventsProcessed('hubspot', '7001');
    expect(await t.expectOneHandoff('hubspot', '7001', 'Polled Globex')).toMatchObject(ONE_HANDOFF);
    expect(await t.eventsOf('hubspot', '7001')).toHaveLength(2); // the poll's and the webhook's: one run
  });

  it('a deal already in the stage before Thread watched, then edited: nothing', async () => {
    hubspot.editDeal('7000', { amount: '5' });
    await t.poll('hubspot');
    expect(await t.eventsOf('hubspot', '7000')).toHaveLength(0);
    expect(await t.runsOf('hubspot', '7000')).toHaveLength(0);
  });

  it('a 429 from search: the cursor stays, the failure is recorded, the next poll hands off once', async () => {
    addDeal('7002', 'Polled Umbrella');
    hubspot.moveDeal('7002', 'closedwon');
    const before = await t.cursorOf('hubspot');
    // Aimed at the search: the handoffs before this one may still be writing back to their deals.
    hubspot.failNext('api', hubspot.fault(429, { retryAfter: 1, path: SEARCH }));
    const failed = await t.poll('hubspot');
    expect(failed.cursor).toEqual(before!.cursor);
    expect(failed.last_error).toMatch(/^rate_limited/);
    expect(failed.consecutive_failures).toBe(1);
    expect(await t.eventsOf('hubspot', '7002')).toHaveLength(0);

    hubspot.failNext('api', hubspot.fault(500, { path: SEARCH }));
    expect((await t.poll('hubspot')).consecutive_failures).toBe(2);

    const ok = await t.poll('hubspot');
    expect(ok.last_error).toBeNull();
    expect(ok.consecutive_failures).toBe(0);
    await t.handoffDone('hubspot', '7002');
    expect(await t.expectOneHandoff('hubspot', '7002', 'Polled Umbrella')).toMatchObject(ONE_HANDOFF);
  });

  it('more changes than one page: the cursor pages through them, one search per poll', async () => {
    const many = Array.from({ length: 205 }, (_, i) => String(8000 + i));
    for (const id of many) addDeal(id, `Bulk ${id}`);
    hubspot.moveDeal('8204', 'closedwon'); // the last one changed: on the second page
    const searches = hubspot.searches.length;
    const first = await t.poll('hubspot');
    expect(hubspot.searches.length).toBe(searches + 1);
    expect(first.cursor).toMatchObject({ after: '200' });
    expect(await t.eventsOf('hubspot', '8204')).toHaveLength(0);
    const second = await t.poll('hubspot');
    expect(hubspot.searches.length).toBe(searches + 2);
    expect(second.cursor).not.toHaveProperty('after');
    await t.handoffDone('hubspot', '8204');
    expect(await t.expectOneHandoff('hubspot', '8204', 'Bulk 8204')).toMatchObject(ONE_HANDOFF);
  });

  it('the connection in Error: the poll fails without moving its cursor, the dashboard says why; after Reconnect the change is picked up once', async () => {
    addDeal('7003', 'Polled Initech');
    hubspot.moveDeal('7003', 'closedwon');
    const before = await t.cursorOf('hubspot');
    hubspot.revokeAllGrants();
    const failed = await t.poll('hubspot');
    expect(failed.cursor).toEqual(before!.cursor);
    expect(failed.last_error).toMatch(/^grant_revoked/);
    const connection = await connectionRow(world.app, 'hubspot');
    expect(connection).toMatchObject({ status: 'error', error_code: 'grant_revoked' });
    const home = JSON.stringify(await world.app.openHome('UADMIN'));
    expect(home).toContain('Token expired');
    expect(await t.runsOf('hubspot', '7003')).toHaveLength(0);

    // The schedule leaves a source whose grant is gone alone (it would fail every minute).
    await world.app.thread.services.jobs.send('poll-sources');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await t.cursorOf('hubspot'))?.last_polled_at).toEqual(failed.last_polled_at);

    await connectVia(world.app, hubspot, 'hubspot', 'reconnect');
    // The window reaches back 30 s for HubSpot's index lag: with the 205 deals above in it, two pages.
    await t.poll('hubspot');
    await t.poll('hubspot');
    await t.handoffDone('hubspot', '7003');
    expect(await t.expectOneHandoff('hubspot', '7003', 'Polled Initech')).toMatchObject(ONE_HANDOFF);
  });
});
