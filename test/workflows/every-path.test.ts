/**
 * Every trigger path, end to end, with everything connected: a HubSpot webhook, a HubSpot poll, a
 * Salesforce poll and a Notion poll each give exactly one account with the template's milestones, one
 * handoff post carrying the Gong call, one CSM DM, one AE DM with the "Complete handoff" button, one email
 * to the AE (Microsoft 365) and the onboarding written back to the record (HubSpot and Salesforce; a Notion
 * row is written back when its stage and CSM properties are mapped — test/workflows/write-back.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GongEmulator } from '../emulators/gong.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import type { MicrosoftEmulator } from '../emulators/microsoft.js';
import type { NotionEmulator } from '../emulators/notion.js';
import { type SalesforceEmulator, sfDateTime } from '../emulators/salesforce.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { CHANNEL, handoffSetUp, ONE_HANDOFF, polling } from '../triggers/polling.js';

const world = useConnectorWorld();
const t = polling(world);
const AE = 'UAEALEX';
const AE_EMAIL = 'alex@ourco.example';
let hubspot: HubSpotEmulator;
let salesforce: SalesforceEmulator;
let notion: NotionEmulator;
let gong: GongEmulator;
let microsoft: MicrosoftEmulator;

beforeAll(async () => {
  const e = world.emulators.byId;
  hubspot = e.hubspot as HubSpotEmulator;
  salesforce = e.salesforce as SalesforceEmulator;
  notion = e.notion as NotionEmulator;
  gong = e.gong as GongEmulator;
  microsoft = e.microsoft as MicrosoftEmulator;
  for (const id of ['hubspot', 'salesforce', 'notion', 'gong', 'microsoft'] as const) {
    await connectVia(world.app, e[id]!, id);
  }
  await handoffSetUp(world);
  world.app.slack.addUser({ id: AE, name: 'alex.seller', email: AE_EMAIL });
  hubspot.crm.owners.push({
    id: '7101',
    email: AE_EMAIL,
    firstName: 'Alex',
    lastName: 'Seller',
    userId: 7102,
  });
  salesforce.opportunityCustomFields.set('Thread_Onboarding_Stage__c', 'string');
  salesforce.opportunityCustomFields.set('Thread_CSM__c', 'string');
  await updateWorkflowSettings(
    t.db(),
    world.app.teamId,
    {
      notion: {
        databaseId: notion.database.id,
        statusProperty: 'Status',
        statusValue: 'Won',
        mapping: { domain: 'Website', aeEmail: 'AE email', amount: 'ARR', closeDate: 'Close date' },
      },
    },
    'UADMIN',
  );
  // Where each poll starts watching (Notion's first two polls find its data source and sweep it).
  await t.poll('hubspot');
  await t.poll('salesforce');
  await t.poll('notion');
  await t.poll('notion');
});

/** A recent Gong call with someone at the customer's domain. */
function gongCall(id: string, title: string, domain: string) {
  gong.calls.push({
    id,
    title,
    started: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    duration: 1800,
    parties: [
      { name: 'Alex Seller', emailAddress: AE_EMAIL, affiliation: 'Internal' },
      { name: 'Dana Lee', emailAddress: `dana@${domain}`, affiliation: 'External' },
    ],
  });
}

function hubspotDeal(id: string, name: string, domain: string, stage: string) {
  hubspot.crm.companies.push({ id: `${id}01`, properties: { name, domain } });
  hubspot.crm.associations[id] = { companies: [`${id}01`], contacts: [] };
  hubspot.deals.push({
    id,
    properties: {
      dealname: name,
      dealstage: stage,
      pipeline: 'default',
      amount: '1000',
      hubspot_owner_id: '7101',
    },
  });
}

/** What every path must produce, read from Slack, the emulators and the database. */
async function expectEverything(
  source: 'hubspot' | 'salesforce' | 'notion',
  id: string,
  name: string,
  call: string,
) {
  const run = await t.handoffDone(source, id);
  expect(run.status).toBe('completed');
  expect(await t.expectOneHandoff(source, id, name)).toMatchObject(ONE_HANDOFF);
  const post = blocksToText(t.postsAbout(name, CHANNEL)[0]!.args.blocks as unknown[]);
  expect(post).toContain(call);
  expect(post).toContain(`AE handoff: @${AE} was asked in Slack to complete it.`);
  expect(post).toContain('Email to the AE: sent through Microsoft 365.');
  const aeDms = world.app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${AE}` && JSON.stringify(c.args).includes(name));
  expect(aeDms).toHaveLength(1);
  expect(JSON.stringify(aeDms[0]!.args.blocks)).toContain('Complete handoff');
  const mails = microsoft.sentMail.filter((m) => m.subject.includes(name));
  expect(mails).toHaveLength(1);
  expect(mails[0]!.to.map((r) => r.address)).toEqual([AE_EMAIL]);
  expect((run.steps as { name: string; status: string }[]).find((s) => s.name === 'write-back')?.status).toBe(
    'done',
  );
}

describe('every trigger path, everything connected', () => {
  it('HubSpot webhook', async () => {
    hubspotDeal('9101', 'Path Webhook Co', 'webhookco.example', 'closedwon');
    gongCall('9100000000000000001', 'Webhook Co discovery', 'webhookco.example');
    const res = await postHubSpot(
      `${world.app.url}/webhooks/hubspot`,
      [dealStageEvent(hubspot.portal.id, { dealId: 9101 })],
      {
        secret: world.emulators.env.HUBSPOT_CLIENT_SECRET!,
      },
    );
    expect(res.status).toBe(200);
    await expectEverything('hubspot', '9101', 'Path Webhook Co', 'Webhook Co discovery');
    expect(hubspot.deals.find((d) => d.id === '9101')!.properties.thread_onboarding_stage).toBe('onboarding');
  });

  it('HubSpot poll', async () => {
    hubspotDeal('9102', 'Path Poll Co', 'pollco.example', 'qualifiedtobuy');
    gongCall('9100000000000000002', 'Poll Co discovery', 'pollco.example');
    hubspot.moveDeal('9102', 'closedwon');
    await t.poll('hubspot');
    await expectEverything('hubspot', '9102', 'Path Poll Co', 'Poll Co discovery');
    expect(hubspot.deals.find((d) => d.id === '9102')!.properties.thread_onboarding_stage).toBe('onboarding');
  });

  it('Salesforce poll', async () => {
    const id = '0065e00000Pa000001';
    salesforce.opportunities.push({
      Id: id,
      Name: 'Path Salesforce Co',
      StageName: 'Prospecting',
      Amount: 5000,
      CloseDate: '2026-12-15',
      OwnerId: '0055e000001OwNrAAC',
      Owner: { Name: 'Alex Seller', Email: AE_EMAIL },
      Account: { Name: 'Path Salesforce Co Inc.', Website: 'https://sfco.example' },
      CreatedDate: sfDateTime(new Date()),
    });
    gongCall('9100000000000000003', 'SF Co discovery', 'sfco.example');
    salesforce.moveOpportunity(id, 'Closed Won');
    await t.poll('salesforce');
    await expectEverything('salesforce', id, 'Path Salesforce Co', 'SF Co discovery');
    expect(salesforce.opportunities.find((o) => o.Id === id)!.Thread_Onboarding_Stage__c).toBe('onboarding');
  });

  it('Notion poll', async () => {
    const row = notion.database.addRow({
      name: 'Path Notion Co',
      status: 'Won',
      domain: 'https://notionco.example',
      aeEmail: AE_EMAIL,
      amount: 7000,
    });
    gongCall('9100000000000000004', 'Notion Co discovery', 'notionco.example');
    await t.poll('notion');
    await expectEverything('notion', row, 'Path Notion Co', 'Notion Co discovery');
  });
});
