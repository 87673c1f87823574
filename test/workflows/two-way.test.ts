/**
 * Two-way: a change in HubSpot to one of Thread's own deal properties (signed `deal.propertyChange`
 * webhook → stored event → job) moves the account; echoes of Thread's own writes change nothing and
 * write nothing back (no loop); a CSM who is not in the pool is not followed and `/thread account` says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';

const world = useConnectorWorld();
let hubspot: HubSpotEmulator;
const DEAL = '8001';
const db = () => world.app.thread.services.db;

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  await connectVia(world.app, hubspot, 'hubspot');
  for (const user of ['UMEMBER|mo.member', 'UOWNER|omar.owner']) {
    expect(JSON.stringify(await world.app.commandReply(`csm add <@${user}>`))).toContain('CSM pool');
  }
  hubspot.deals.push({
    id: DEAL,
    properties: {
      dealname: 'Massive Dynamic',
      dealstage: 'closedwon',
      pipeline: 'default',
      hs_object_id: DEAL,
    },
  });
  await post([dealStageEvent(hubspot.portal.id, { dealId: Number(DEAL) })]);
  await world.app.until(
    async () =>
      (
        await db()
          .selectFrom('workflow_runs')
          .select('status')
          .where('external_id', '=', DEAL)
          .executeTakeFirst()
      )?.status === 'completed',
    'handoff completed',
    20_000,
  );
});

async function post(events: unknown[]) {
  const res = await postHubSpot(`${world.app.url}/webhooks/hubspot`, events, {
    secret: world.emulators.env.HUBSPOT_CLIENT_SECRET!,
  });
  expect(res.status).toBe(200);
}

/** HubSpot's event for a change to a deal property, as it posts it. */
function propertyChange(propertyName: string, propertyValue: string, occurredAt = Date.now()) {
  return {
    ...dealStageEvent(hubspot.portal.id, { dealId: Number(DEAL) }),
    propertyName,
    propertyValue,
    occurredAt,
    changeSource: 'CRM_UI',
  };
}

/** Posts the change and waits until its job has handed it to the domain. */
async function change(propertyName: string, value: string, occurredAt?: number) {
  const event = propertyChange(propertyName, value, occurredAt);
  await post([event]);
  await world.app.until(
    async () =>
      (
        await db()
          .selectFrom('trigger_events')
          .select('processed_at')
          .where('event_id', '=', `${hubspot.portal.id}:${event.eventId}`)
          .executeTakeFirst()
      )?.processed_at,
    `event ${event.eventId} processed`,
    10_000,
  );
}

const account = () =>
  db()
    .selectFrom('accounts')
    .select(['stage', 'csm_user_id', 'crm_written_at', 'crm_follow_note'])
    .where('external_id', '=', DEAL)
    .executeTakeFirstOrThrow();

describe('HubSpot → Thread', () => {
  it('the echo of Thread’s own write changes nothing and writes nothing back', async () => {
    const before = await account();
    expect(before).toMatchObject({ stage: 'onboarding', csm_user_id: 'UMEMBER' });
    const writes = hubspot.dealWrites.length;
    await change('thread_csm', 'mo@example.com');
    await change('thread_onboarding_stage', 'onboarding');
    expect(await account()).toEqual(before);
    expect(hubspot.dealWrites).toHaveLength(writes);
  });

  it('a CSM changed in HubSpot (by email) and a stage moved to Live: the account follows, no loop', async () => {
    const writes = hubspot.dealWrites.length;
    await change('thread_csm', 'OMAR@example.com');
    await change('thread_onboarding_stage', 'live');
    expect(await account()).toMatchObject({ stage: 'live', csm_user_id: 'UOWNER', crm_follow_note: null });
    expect(hubspot.dealWrites).toHaveLength(writes);
  });

  it('a change older than Thread’s last write is not followed (it was overwritten in HubSpot)', async () => {
    const { crm_written_at } = await account();
    await change('thread_onboarding_stage', 'closed', crm_written_at!.getTime() - 60_000);
    expect((await account()).stage).toBe('live');
  });

  it('a CSM who is not in the pool: not followed, logged, and shown on /thread account', async () => {
    await change('thread_csm', '<!channel> nobody@example.com');
    const after = await account();
    expect(after.csm_user_id).toBe('UOWNER');
    expect(after.crm_follow_note).toContain('not in the CSM pool');
    const reply = await world.app.commandReply('account Massive Dynamic');
    const text = blocksToText(reply.blocks as unknown[]);
    expect(text).toContain('Not followed from the CRM');
    expect(text).toContain('nobody@example.com');
    expect(JSON.stringify(reply)).not.toContain('<!channel>');
    expect(text).toMatch(/Last run: ✅ Completed/);
    expect(world.app.logs.some((l) => l.includes('not understood'))).toBe(true);
  });

  it('a CSM named by their Slack username is found too', async () => {
    await change('thread_csm', 'mo.member');
    expect(await account()).toMatchObject({ csm_user_id: 'UMEMBER', crm_follow_note: null });
  });

  it('an unknown stage value is not followed and says why', async () => {
    await change('thread_onboarding_stage', 'churned');
    const after = await account();
    expect(after.stage).toBe('live');
    expect(after.crm_follow_note).toContain('“churned”');
  });
});
