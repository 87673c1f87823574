/**
 * Salesforce's trigger through the real app: `poll-source` job → one SOQL query through jsforce against
 * the emulator (strict SOQL: unquoted dateTimes, only fields the org has) → entries against the last stage
 * seen → trigger event → handoff, whose deal read is another SOQL query (Owner and Account included).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import { type SalesforceEmulator, sfDateTime } from '../emulators/salesforce.js';
import { handoffSetUp, ONE_HANDOFF, polling } from './polling.js';

const world = useConnectorWorld();
const t = polling(world);
let salesforce: SalesforceEmulator;

/** Salesforce ids: 18 characters; these sort in the order they are made. */
const oppId = (n: number) => `0065e00000Zz${String(n).padStart(6, '0')}`;

function addOpportunity(n: number, name: string, stage = 'Prospecting') {
  salesforce.opportunities.push({
    Id: oppId(n),
    Name: name,
    StageName: stage,
    Amount: 36000.5,
    CloseDate: '2026-12-15',
    OwnerId: '0055e000001OwNrAAC',
    Owner: { Name: 'Alex Seller', Email: 'alex@acme.com' },
    Account: { Name: `${name} Inc.`, Website: 'https://www.globex.example/about' },
    CreatedDate: sfDateTime(new Date()),
  });
  salesforce.editOpportunity(oppId(n), {});
}

beforeAll(async () => {
  salesforce = world.emulators.byId.salesforce as SalesforceEmulator;
  await connectVia(world.app, salesforce, 'salesforce');
  await handoffSetUp(world);
  // What the README asks a Salesforce admin to add, so Thread can write the onboarding back.
  salesforce.opportunityCustomFields.set('Thread_Onboarding_Stage__c', 'string');
  salesforce.opportunityCustomFields.set('Thread_CSM__c', 'string');
  // Closed Won a month before Thread watched this org.
  addOpportunity(1, 'Old Won', 'Closed Won');
  salesforce.opportunities.at(-1)!.LastStageChangeDate = sfDateTime(new Date(Date.now() - 30 * 86_400_000));
  await t.poll('salesforce');
});

describe('Salesforce SOQL poll', () => {
  it('an opportunity entering Closed Won: one account (Owner and Account read), one post, one DM; edits and re-reads add nothing', async () => {
    addOpportunity(2, 'SF Globex');
    const queries = salesforce.queries.length;
    await t.poll('salesforce');
    expect(salesforce.queries.length).toBe(queries + 1); // one query per poll
    expect(await t.runsOf('salesforce', oppId(2))).toHaveLength(0);

    salesforce.moveOpportunity(oppId(2), 'Closed Won');
    await t.poll('salesforce');
    const run = await t.handoffDone('salesforce', oppId(2));
    expect(run.status).toBe('completed');
    const poll = salesforce.queries.find((q) => q.includes('SystemModstamp'))!;
    expect(poll).toMatch(
      /^SELECT Id, StageName, LastStageChangeDate, CreatedDate, SystemModstamp, Thread_Onboarding_Stage__c, Thread_CSM__c FROM Opportunity WHERE SystemModstamp (>=|>) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ.* ORDER BY SystemModstamp ASC, Id ASC LIMIT 200$/,
    );
    expect(salesforce.queries.some((q) => q.includes('CurrencyIsoCode'))).toBe(false);
    // …and the onboarding written back to the opportunity, once.
    const opp = salesforce.opportunities.find((o) => o.Id === oppId(2))!;
    expect(opp.Thread_Onboarding_Stage__c).toBe('onboarding');
    expect(opp.Thread_CSM__c).toBeTruthy();

    const [account] = await t.accountsOf('salesforce', oppId(2));
    expect(account).toMatchObject({
      name: 'SF Globex',
      amount: '36000.5',
      close_date: '2026-12-15',
      crm_owner_id: '0055e000001OwNrAAC',
      ae_name: 'Alex Seller',
      ae_email: 'alex@acme.com',
      domain: 'globex.example',
    });

    salesforce.editOpportunity(oppId(2), { Amount: 40000 });
    await t.poll('salesforce');
    await t.poll('salesforce');
    await t.eventsProcessed('salesforce', oppId(2));
    // One entry (Thread's own write-back read back is two follow events, which change nothing).
    const events = await t.eventsOf('salesforce', oppId(2));
    expect(events.filter((e) => e.kind === 'deal_stage_changed')).toHaveLength(1);
    expect(await t.expectOneHandoff('salesforce', oppId(2), 'SF Globex')).toMatchObject(ONE_HANDOFF);
  });

  it('an opportunity already Closed Won before Thread watched, then edited: nothing', async () => {
    salesforce.editOpportunity(oppId(1), { Amount: 1 });
    await t.poll('salesforce');
    expect(await t.eventsOf('salesforce', oppId(1))).toHaveLength(0);
  });

  it('more changes in one second than one query returns: the Id tie-break reads the rest next poll, one query each', async () => {
    const stamp = sfDateTime(new Date());
    for (let n = 100; n < 305; n++) {
      addOpportunity(n, `Bulk ${n}`, n === 304 ? 'Closed Won' : 'Prospecting');
      const opp = salesforce.opportunities.at(-1)!;
      opp.SystemModstamp = stamp;
      if (n === 304) opp.LastStageChangeDate = stamp;
    }
    const queries = salesforce.queries.length;
    const first = await t.poll('salesforce');
    // The last second before was read again whole (see poll.ts), so the page ends a little short of 299.
    expect(first.cursor).toMatchObject({
      since: new Date(Date.parse(stamp.replace('+0000', 'Z'))).toISOString(),
    });
    expect(first.cursor!.id).toMatch(/^0065e00000Zz000[12]\d\d$/);
    expect(await t.eventsOf('salesforce', oppId(304))).toHaveLength(0);
    await t.poll('salesforce');
    expect(salesforce.queries.length).toBe(queries + 2);
    expect(salesforce.queries.at(-1)).toContain(`OR (SystemModstamp = `);
    await t.handoffDone('salesforce', oppId(304));
    expect(await t.expectOneHandoff('salesforce', oppId(304), 'Bulk 304')).toMatchObject(ONE_HANDOFF);
  });

  it('a Salesforce 503 on the poll and a 500 on the deal read: the cursor stays, the read is retried, nothing doubled', async () => {
    addOpportunity(3, 'SF Umbrella');
    salesforce.moveOpportunity(oppId(3), 'Closed Won');
    const before = await t.cursorOf('salesforce');
    salesforce.failNext('api', salesforce.fault(503));
    const failed = await t.poll('salesforce');
    expect(failed.cursor).toEqual(before!.cursor);
    expect(failed.last_error).toMatch(/^temporary/);

    // The handoff's deal read (a SOQL query by Id, unlike the poll's by SystemModstamp) meets a 500 once,
    // whenever it runs: the polls below may find the deal before or after each other.
    salesforce.failNext('api', salesforce.fault(500, { query: `WHERE Id = '${oppId(3)}'` }));
    await t.poll('salesforce');
    await t.poll('salesforce');
    const run = await t.handoffDone('salesforce', oppId(3));
    expect(run.status).toBe('completed');
    expect((run.steps as { name: string; attempts: number }[])[0]).toMatchObject({
      name: 'fetch-deal',
      attempts: 2,
    });
    expect(await t.expectOneHandoff('salesforce', oppId(3), 'SF Umbrella')).toMatchObject(ONE_HANDOFF);
  });
});
