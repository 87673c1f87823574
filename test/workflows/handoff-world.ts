/**
 * A handoff world for the tests of its parts (call context, the AE's handoff, the email): the real app,
 * every provider's emulator, HubSpot connected, a CSM in the pool and a handoff channel — and the steps a
 * test takes: a deal with its owner, company and contacts in HubSpot, its webhook, the finished run.
 */
import { beforeAll, expect } from 'vitest';
import { type ConnectorWorld, connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';

export const CHANNEL = 'C0HANDOFF';
export const CSM = 'UMEMBER';

export interface HandoffWorld extends ConnectorWorld {
  hubspot: HubSpotEmulator;
}

export function useHandoffWorld(): HandoffWorld {
  const world = useConnectorWorld() as HandoffWorld;
  beforeAll(async () => {
    world.hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
    await connectVia(world.app, world.hubspot, 'hubspot');
    expect(JSON.stringify(await world.app.commandReply(`csm add <@${CSM}|mo.member>`))).toContain(
      'is in the CSM pool',
    );
    await world.app.commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
  });
  return world;
}

export interface DealSetup {
  id: string;
  name: string;
  owner?: { id: string; email: string; firstName: string; lastName: string };
  company?: { name: string; domain: string };
  contacts?: { firstname: string; lastname: string; email: string; jobtitle?: string }[];
  description?: string;
}

/** The deal in HubSpot with its owner, company and contacts associated, as a CRM admin would set it up. */
export function addDeal(world: Pick<HandoffWorld, 'hubspot'>, d: DealSetup): void {
  const crm = world.hubspot.crm;
  if (d.owner && !crm.owners.some((o) => o.id === d.owner!.id))
    crm.owners.push({ ...d.owner, userId: Number(d.owner.id) + 1 });
  const companies: string[] = [];
  if (d.company) {
    const id = `${d.id}01`;
    crm.companies.push({ id, properties: { name: d.company.name, domain: d.company.domain } });
    companies.push(id);
  }
  const contacts = (d.contacts ?? []).map((c, i) => {
    const id = `${d.id}${String(i + 10)}`;
    crm.contacts.push({ id, properties: { ...c } });
    return id;
  });
  crm.associations[d.id] = { companies, contacts };
  world.hubspot.deals.push({
    id: d.id,
    properties: {
      dealstage: 'closedwon',
      pipeline: 'default',
      hs_object_id: d.id,
      dealname: d.name,
      amount: '12000',
      closedate: '2026-11-30T00:00:00.000Z',
      ...(d.owner ? { hubspot_owner_id: d.owner.id } : {}),
      ...(d.description ? { description: d.description } : {}),
    },
  });
}

/** HubSpot's webhook for the deal entering closedwon. */
export async function closeDeal(world: HandoffWorld, dealId: string): Promise<void> {
  const res = await postHubSpot(
    `${world.app.url}/webhooks/hubspot`,
    [dealStageEvent(world.hubspot.portal.id, { dealId: Number(dealId) })],
    { secret: world.emulators.env.HUBSPOT_CLIENT_SECRET! },
  );
  expect(res.status).toBe(200);
}

export const db = (world: HandoffWorld) => world.app.thread.services.db;

export async function runOf(world: HandoffWorld, dealId: string) {
  return db(world)
    .selectFrom('workflow_runs')
    .selectAll()
    .where('external_id', '=', dealId)
    .executeTakeFirst();
}

/** Waits for the deal's run to finish and every post it queued to leave; returns the run. */
export async function handoffDone(world: HandoffWorld, dealId: string) {
  const run = await world.app.until(
    async () => {
      const r = await runOf(world, dealId);
      return r && r.status !== 'running' ? r : undefined;
    },
    `handoff run of deal ${dealId} finished`,
    30_000,
  );
  await deliveriesDone(world, run.id);
  return run;
}

export async function deliveriesDone(world: HandoffWorld, runId: string) {
  await world.app.until(
    async () =>
      (
        await db(world)
          .selectFrom('deliveries')
          .select('status')
          .where('key', 'like', `handoff:${runId}:%`)
          .execute()
      ).every((d) => d.status !== 'pending'),
    'handoff posts delivered',
    10_000,
  );
}

/** What Slack was sent to a channel, whose blocks mention `text`. */
export function postsTo(world: HandoffWorld, channel: string, text: string) {
  return world.app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && JSON.stringify(c.args.blocks ?? []).includes(text));
}

export type StepRow = { name: string; status: string; attempts: number; error: string | null };
export const stepsOf = (run: { steps: unknown }) => run.steps as StepRow[];
