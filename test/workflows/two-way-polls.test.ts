/**
 * Two-way through the polls: Salesforce and Notion have no webhook Thread uses for a change to its own
 * fields, so the trigger's poll reads them with every record (one SOQL query; the row's mapped
 * properties) and the account follows a change made there — through the real app, the poll-source job,
 * the real SDKs and the strict emulators. Thread's own write read back changes nothing and writes nothing
 * (no loop), an unrelated edit of the record makes no trigger event, and Salesforce fields missing from
 * the org leave the trigger working.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { NotionEmulator } from '../emulators/notion.js';
import { type SalesforceEmulator, sfDateTime } from '../emulators/salesforce.js';
import { handoffSetUp, polling } from '../triggers/polling.js';

const world = useConnectorWorld();
const t = polling(world);
let salesforce: SalesforceEmulator;
let notion: NotionEmulator;

const FIELDS = { stageField: 'Thread_Onboarding_Stage__c', csmField: 'Thread_CSM__c' };

beforeAll(async () => {
  salesforce = world.emulators.byId.salesforce as SalesforceEmulator;
  notion = world.emulators.byId.notion as NotionEmulator;
  await connectVia(world.app, salesforce, 'salesforce');
  await connectVia(world.app, notion, 'notion');
  await handoffSetUp(world);
  expect(JSON.stringify(await world.app.commandReply('csm add <@UOWNER|omar.owner>'))).toContain('CSM pool');
  salesforce.opportunityCustomFields.set(FIELDS.stageField, 'string');
  salesforce.opportunityCustomFields.set(FIELDS.csmField, 'string');
  await updateWorkflowSettings(
    t.db(),
    world.app.teamId,
    {
      notion: {
        // What the settings modal stores: the id of the database's data source.
        databaseId: notion.database.dataSourceId,
        statusProperty: 'Status',
        statusValue: 'Won',
        mapping: { onboardingStage: 'Onboarding stage', csm: 'CSM' },
      },
    },
    'UADMIN',
  );
  await t.poll('salesforce');
  // Notion: the data source, then the sweep.
  await t.poll('notion');
  expect((await t.poll('notion')).sweeping).toBe(false);
});

const account = (source: 'salesforce' | 'notion', id: string) =>
  t
    .db()
    .selectFrom('accounts')
    .select(['id', 'name', 'stage', 'csm_user_id', 'crm_written_at', 'crm_follow_note'])
    .where('source', '=', source)
    .where('external_id', '=', id)
    .executeTakeFirstOrThrow();

const followEvents = async (source: string, id: string) =>
  (await t.eventsOf(source, id)).filter((e) => e.kind === 'owned_field_changed');

/** One poll, then every trigger event of the record handed to the domain. */
async function pollAndSettle(source: 'salesforce' | 'notion', id: string) {
  const cursor = await t.poll(source);
  expect(cursor.last_error).toBeNull();
  await t.eventsProcessed(source, id);
  return cursor;
}

/** Thread wants its account to hold something newer than its last write (the write still to come). */
const moveAccountInThread = (id: string, stage: 'live' | 'closed') =>
  t.db().updateTable('accounts').set({ stage }).where('id', '=', id).execute();

/**
 * Salesforce's SystemModstamp has whole seconds: an edit within the second of Thread's write reads as
 * older than it. A person's edit comes later than that; the test waits out the second.
 */
async function pastTheSecondOf(at: Date) {
  const wait = Math.ceil((at.getTime() + 1) / 1000) * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

describe('Salesforce → Thread, through the poll', () => {
  const OPP = '0065e00000Tw000001';

  it('hands off, and Thread’s own write read back by the next poll changes nothing and writes nothing', async () => {
    salesforce.opportunities.push({
      Id: OPP,
      Name: 'Two-way Initech',
      StageName: 'Prospecting',
      CreatedDate: sfDateTime(new Date()),
    });
    salesforce.editOpportunity(OPP, {});
    await t.poll('salesforce');
    salesforce.moveOpportunity(OPP, 'Closed Won');
    await t.poll('salesforce');
    expect((await t.handoffDone('salesforce', OPP)).status).toBe('completed');
    const opp = salesforce.opportunities.find((o) => o.Id === OPP)!;
    expect(opp).toMatchObject({ [FIELDS.stageField]: 'onboarding', [FIELDS.csmField]: 'mo@example.com' });
    const writes = salesforce.opportunityWrites.length;

    // Thread has moved on (the account is Live; its write-back still to come) when the poll reads its
    // earlier write: older than Thread's last write, so it is not followed back.
    const { id } = await account('salesforce', OPP);
    await moveAccountInThread(id, 'live');
    const cursor = await pollAndSettle('salesforce', OPP);
    expect(salesforce.queries.at(-1)).toContain(
      `SystemModstamp, ${FIELDS.stageField}, ${FIELDS.csmField} FROM`,
    );
    expect(cursor.cursor).not.toHaveProperty('missingFields');
    expect(await followEvents('salesforce', OPP)).toHaveLength(2);
    expect(await account('salesforce', OPP)).toMatchObject({
      stage: 'live',
      csm_user_id: 'UMEMBER',
      crm_follow_note: null,
    });
    expect(salesforce.opportunityWrites).toHaveLength(writes);
    await moveAccountInThread(id, 'closed');
  });

  it('the CSM changed in Salesforce (by email) and the stage set to Live: the account follows, no write back', async () => {
    await pastTheSecondOf((await account('salesforce', OPP)).crm_written_at!);
    const writes = salesforce.opportunityWrites.length;
    salesforce.editOpportunity(OPP, { [FIELDS.csmField]: 'Omar@Example.com' });
    await pollAndSettle('salesforce', OPP);
    expect(await account('salesforce', OPP)).toMatchObject({ csm_user_id: 'UOWNER', stage: 'closed' });

    salesforce.editOpportunity(OPP, { [FIELDS.stageField]: 'Live' });
    await pollAndSettle('salesforce', OPP);
    expect(await account('salesforce', OPP)).toMatchObject({
      csm_user_id: 'UOWNER',
      stage: 'live',
      crm_follow_note: null,
    });
    expect(salesforce.opportunityWrites).toHaveLength(writes);
  });

  it('an unrelated edit (the amount) makes no trigger event', async () => {
    const events = (await t.eventsOf('salesforce', OPP)).length;
    // In a second of its own: the same values read at a new SystemModstamp would be new event ids.
    await pastTheSecondOf(new Date());
    salesforce.editOpportunity(OPP, { Amount: 99000 });
    await pollAndSettle('salesforce', OPP);
    await pollAndSettle('salesforce', OPP);
    expect(await t.eventsOf('salesforce', OPP)).toHaveLength(events);
  });

  it('a CSM who is not in the pool: not followed, and /thread account says so', async () => {
    salesforce.editOpportunity(OPP, { [FIELDS.csmField]: 'stranger@example.com' });
    await pollAndSettle('salesforce', OPP);
    const after = await account('salesforce', OPP);
    expect(after.csm_user_id).toBe('UOWNER');
    expect(after.crm_follow_note).toContain('not in the CSM pool');
    const reply = await world.app.commandReply(`account ${after.name}`);
    const text = blocksToText(reply.blocks as unknown[]);
    expect(text).toContain('Not followed from the CRM');
    expect(text).toContain('stranger@example.com');
  });

  it('Thread’s fields missing in the org: the trigger still polls (one query a poll after the first) and hands off, nothing followed', async () => {
    // The team names fields the org does not have (or Thread's user cannot see).
    const missing = { stageField: 'CS_Stage__c', csmField: 'CS_Owner__c' };
    await updateWorkflowSettings(t.db(), world.app.teamId, { salesforceFields: missing }, 'UADMIN');
    const OTHER = '0065e00000Tw000002';
    salesforce.opportunities.push({
      Id: OTHER,
      Name: 'Fieldless Hooli',
      StageName: 'Prospecting',
      CreatedDate: sfDateTime(new Date()),
    });
    salesforce.editOpportunity(OTHER, {});
    let queries = salesforce.queries.length;
    const first = await t.poll('salesforce');
    expect(first.last_error).toBeNull();
    // The query naming them failed with INVALID_FIELD; the same poll read without them.
    expect(salesforce.queries.slice(queries).map((q) => q.includes('CS_Stage__c'))).toEqual([true, false]);
    expect(first.cursor).toMatchObject({ missingFields: { fields: 'CS_Stage__c,CS_Owner__c' } });

    salesforce.moveOpportunity(OTHER, 'Closed Won');
    queries = salesforce.queries.length;
    await t.poll('salesforce');
    expect(salesforce.queries.length).toBe(queries + 1);
    expect(salesforce.queries[queries]).not.toContain('CS_Stage__c');
    const run = await t.handoffDone('salesforce', OTHER);
    // The handoff went out; only its write-back waits for the fields.
    expect(t.postsAbout('Fieldless Hooli', 'C0HANDOFF')).toHaveLength(1);
    expect(run.reason ?? '').toContain('CS_Stage__c');
    await pollAndSettle('salesforce', OTHER);
    expect(await followEvents('salesforce', OTHER)).toHaveLength(0);
    await updateWorkflowSettings(t.db(), world.app.teamId, { salesforceFields: FIELDS }, 'UADMIN');
  });
});

describe('Notion → Thread, through the poll', () => {
  let row: string;

  /** A person's edit in Notion, a minute after Thread's write (Notion's edit times are whole minutes). */
  async function editLater(input: Parameters<NotionEmulator['database']['editRow']>[1], minutes = 1) {
    const { crm_written_at } = await account('notion', row);
    notion.database.editRow(row, input, new Date(crm_written_at!.getTime() + minutes * 60_000));
  }

  it('hands off, and Thread’s own write read back by the next poll changes nothing and writes nothing', async () => {
    row = notion.database.addRow({
      name: 'Two-way Umbrella',
      status: 'Negotiation',
      onboardingStage: null,
      csm: null,
    });
    await t.poll('notion');
    notion.database.editRow(row, { status: 'Won' });
    await t.poll('notion');
    expect((await t.handoffDone('notion', row)).status).toBe('completed');
    const written = notion.database.rows.find((r) => r.id === row)!.properties as Record<string, unknown>;
    expect(written['Onboarding stage']).toMatchObject({ select: { name: 'Onboarding' } });
    expect(written.CSM).toMatchObject({ email: 'mo@example.com' });
    const writes = notion.database.writes.length;

    const { id } = await account('notion', row);
    await moveAccountInThread(id, 'live');
    await pollAndSettle('notion', row);
    expect(await followEvents('notion', row)).toHaveLength(2);
    expect(await account('notion', row)).toMatchObject({
      stage: 'live',
      csm_user_id: 'UMEMBER',
      crm_follow_note: null,
    });
    expect(notion.database.writes).toHaveLength(writes);
    await moveAccountInThread(id, 'closed');
  });

  it('the CSM changed in Notion (by email) and the stage set to Live: the account follows, no write back', async () => {
    const writes = notion.database.writes.length;
    await editLater({ csm: 'omar@example.com' });
    await pollAndSettle('notion', row);
    expect(await account('notion', row)).toMatchObject({ csm_user_id: 'UOWNER', stage: 'closed' });

    await editLater({ onboardingStage: 'Live' });
    await pollAndSettle('notion', row);
    expect(await account('notion', row)).toMatchObject({ csm_user_id: 'UOWNER', stage: 'live' });
    expect(notion.database.writes).toHaveLength(writes);
  });

  it('an unrelated edit makes no trigger event, however often the overlapping polls read the row', async () => {
    const events = (await t.eventsOf('notion', row)).length;
    // A minute after the edits above: the same values at a new last_edited_time would be new event ids.
    await editLater({ amount: 12 }, 2);
    await pollAndSettle('notion', row);
    await pollAndSettle('notion', row);
    expect(await t.eventsOf('notion', row)).toHaveLength(events);
  });
});
