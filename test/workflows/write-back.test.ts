/**
 * Write-back to the CRM through the real app and the real SDKs against strict emulators: the handoff's
 * `write-back` step puts the onboarding stage and the CSM on the HubSpot deal (creating Thread's deal
 * properties the first time); Salesforce and Notion are written at the domain level for accounts made
 * with makeAccount. Failures retry with backoff and double nothing; missing fields say what to add.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { StepFailure } from '../../src/domain/workflows/runs.js';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { writeBackAccount } from '../../src/domain/workflows/write-back.js';
import { PROGRESS_FIELD } from '../../src/providers/salesforce/write-back.js';
import { makeAccount } from '../channels/helpers.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { type NotionEmulator, notionDataSource } from '../emulators/notion.js';
import type { SalesforceEmulator } from '../emulators/salesforce.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';

const world = useConnectorWorld();
const CSM = 'UMEMBER';
const CSM_EMAIL = 'mo@example.com';
let hubspot: HubSpotEmulator;
let salesforce: SalesforceEmulator;
let notion: NotionEmulator;

const db = () => world.app.thread.services.db;
const services = () => world.app.thread.services;

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  salesforce = world.emulators.byId.salesforce as SalesforceEmulator;
  notion = world.emulators.byId.notion as NotionEmulator;
  for (const [emulator, id] of [
    [hubspot, 'hubspot'],
    [salesforce, 'salesforce'],
    [notion, 'notion'],
  ] as const) {
    expect((await connectVia(world.app, emulator, id)).status).toBe(200);
  }
  expect(JSON.stringify(await world.app.commandReply(`csm add <@${CSM}|mo.member>`))).toContain('CSM pool');
});

function addDeal(id: string, name: string) {
  hubspot.deals.push({
    id,
    properties: { dealname: name, dealstage: 'closedwon', pipeline: 'default', hs_object_id: id },
  });
}

async function webhook(dealId: number) {
  const res = await postHubSpot(
    `${world.app.url}/webhooks/hubspot`,
    [dealStageEvent(hubspot.portal.id, { dealId })],
    { secret: world.emulators.env.HUBSPOT_CLIENT_SECRET! },
  );
  expect(res.status).toBe(200);
}

async function finishedRun(dealId: string, timeoutMs = 20_000) {
  return world.app.until(
    async () =>
      (await db().selectFrom('workflow_runs').selectAll().where('external_id', '=', dealId).execute()).find(
        (r) => r.status !== 'running',
      ),
    `run of ${dealId} finished`,
    timeoutMs,
  );
}

type StepRow = { name: string; status: string; attempts: number; error: string | null };

describe('HubSpot: the handoff writes the onboarding stage and CSM back to the deal', () => {
  it('creates Thread’s deal properties once, then writes each deal once', async () => {
    addDeal('7001', 'Wayne Enterprises');
    await webhook(7001);
    const run = await finishedRun('7001');
    expect(run.status).toBe('completed');
    expect((run.steps as StepRow[]).at(-1)).toMatchObject({
      name: 'write-back',
      status: 'done',
      attempts: 1,
    });
    const deal = hubspot.deals.find((d) => d.id === '7001')!;
    expect(deal.properties).toMatchObject({ thread_onboarding_stage: 'onboarding', thread_csm: CSM_EMAIL });
    expect([...hubspot.dealProperties.keys()].sort()).toEqual([
      'thread_csm',
      'thread_onboarding_progress',
      'thread_onboarding_stage',
    ]);
    expect(hubspot.dealProperties.get('thread_onboarding_stage')?.options).toEqual([
      'new',
      'onboarding',
      'live',
      'closed',
    ]);

    addDeal('7002', 'Stark Industries');
    await webhook(7002);
    expect((await finishedRun('7002')).status).toBe('completed');
    expect(hubspot.dealWrites.filter((w) => w.id === '7002')).toHaveLength(1);
    const account = await db()
      .selectFrom('accounts')
      .select('crm_written_at')
      .where('external_id', '=', '7002')
      .executeTakeFirstOrThrow();
    expect(account.crm_written_at).toBeInstanceOf(Date);
  });

  it('a 429 then a 500 on the write: retried with backoff, written once, nothing posted twice', async () => {
    addDeal('7003', 'Cyberdyne');
    hubspot.dealWriteFaults.push(hubspot.fault(429, { retryAfter: 1 }), hubspot.fault(500));
    await webhook(7003);
    const run = await finishedRun('7003', 40_000);
    expect(run.status).toBe('completed');
    const steps = run.steps as StepRow[];
    expect(steps.find((s) => s.name === 'write-back')).toMatchObject({ status: 'done', attempts: 3 });
    // The steps before it succeeded once and were not redone.
    expect(steps.filter((s) => s.name !== 'write-back').every((s) => s.attempts === 1)).toBe(true);
    expect(hubspot.dealWrites.filter((w) => w.id === '7003')).toHaveLength(1);
    const posts = world.app.slack
      .callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.args.blocks ?? []).includes('Cyberdyne'));
    // One DM to the CSM (no handoff channel is set in this file).
    expect(posts).toHaveLength(1);
    expect(
      await db().selectFrom('accounts').select('id').where('external_id', '=', '7003').execute(),
    ).toHaveLength(1);
  }, 60_000);
});

function account(source: 'salesforce' | 'notion', externalId: string, name: string) {
  return makeAccount(world.app, name, { source, externalId, csm: CSM });
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('Salesforce: the opportunity’s custom fields', () => {
  it('missing fields fail with the exact fields to add, and the connection stays Connected', async () => {
    const opp = salesforce.opportunities[0]!;
    const id = await account('salesforce', opp.Id, 'Acme Corp — annual');
    const err = await failureOf(writeBackAccount(services(), world.app.teamId, id));
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.message).toContain('Thread_Onboarding_Stage__c');
    expect(err.message).toContain('Thread_CSM__c');
    expect(err.message).toContain('Object Manager → Opportunity');
    const connection = await db()
      .selectFrom('connections')
      .select('status')
      .where('provider', '=', 'salesforce')
      .executeTakeFirstOrThrow();
    expect(connection.status).toBe('connected');

    // The admin adds them under names of their own and tells Thread.
    salesforce.opportunityCustomFields.set('CS_Stage__c', 'string');
    salesforce.opportunityCustomFields.set('CS_Owner__c', 'string');
    await updateWorkflowSettings(
      db(),
      world.app.teamId,
      { salesforceFields: { stageField: 'CS_Stage__c', csmField: 'CS_Owner__c' } },
      'UADMIN',
    );
    expect(await writeBackAccount(services(), world.app.teamId, id)).toBe('written');
    expect(opp).toMatchObject({ CS_Stage__c: 'onboarding', CS_Owner__c: CSM_EMAIL });
    expect(opp).not.toHaveProperty(PROGRESS_FIELD);

    // With the optional progress field added, the milestones' progress goes there too.
    await applyTemplate(db(), id);
    salesforce.opportunityCustomFields.set(PROGRESS_FIELD, 'string');
    expect(await writeBackAccount(services(), world.app.teamId, id)).toBe('written');
    expect(opp).toMatchObject({ [PROGRESS_FIELD]: '0 of 6 milestones done · next: Kickoff call' });
  });
});

describe('Notion: the row’s mapped properties', () => {
  it('writes the mapped status and text, skips what is not mapped, and names a missing status option', async () => {
    const source = notionDataSource('Customers', {
      Name: { type: 'title' },
      'Onboarding status': { type: 'status', options: ['Not started', 'Onboarding', 'Live'] },
      CSM: { type: 'rich_text' },
    });
    notion.shared.push(source);
    const pageId = '1f0c2b7e-0000-4000-8000-000000000001';
    notion.pageRows.set(pageId, { dataSourceId: source.id, properties: {} });
    const id = await account('notion', pageId, 'Initrode');
    const mapping = { name: 'Name', onboardingStage: 'Onboarding status' };
    await updateWorkflowSettings(
      db(),
      world.app.teamId,
      {
        notion: { databaseId: source.id, statusProperty: 'Onboarding status', statusValue: 'Live', mapping },
      },
      'UADMIN',
    );
    expect(await writeBackAccount(services(), world.app.teamId, id)).toBe('written');
    expect(notion.pageRows.get(pageId)!.properties).toEqual({
      'Onboarding status': { status: { name: 'Onboarding' } },
    });

    await updateWorkflowSettings(
      db(),
      world.app.teamId,
      {
        notion: {
          databaseId: source.id,
          statusProperty: 'Onboarding status',
          statusValue: 'Live',
          mapping: { ...mapping, csm: 'CSM' },
        },
      },
      'UADMIN',
    );
    await db().updateTable('accounts').set({ stage: 'closed' }).where('id', '=', id).execute();
    const err = await failureOf(writeBackAccount(services(), world.app.teamId, id));
    expect(err.message).toContain('needs an option named “Closed”');
    // Nothing half-written: the page keeps what it had.
    expect(notion.pageRows.get(pageId)!.properties).toEqual({
      'Onboarding status': { status: { name: 'Onboarding' } },
    });

    await db().updateTable('accounts').set({ stage: 'live' }).where('id', '=', id).execute();
    expect(await writeBackAccount(services(), world.app.teamId, id)).toBe('written');
    expect(notion.pageRows.get(pageId)!.properties).toMatchObject({
      'Onboarding status': { status: { name: 'Live' } },
      CSM: { rich_text: [{ type: 'text', text: { content: CSM_EMAIL } }] },
    });
  });
});
