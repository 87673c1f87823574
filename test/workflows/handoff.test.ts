/**
 * The handoff through the real app: a signed HubSpot webhook → trigger event → handoff run (deal fetched
 * through the SDK from the emulator) → account, template, CSM → the channel post and the CSM's DM.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runHandoffSteps } from '../../src/domain/workflows/handoff.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';

const world = useConnectorWorld();
const CHANNEL = 'C0HANDOFF';
const CSM = 'UMEMBER';
let hubspot: HubSpotEmulator;

beforeAll(async () => {
  hubspot = world.emulators.byId.hubspot as HubSpotEmulator;
  await connectVia(world.app, hubspot, 'hubspot');
  const csm = await world.app.commandReply(`csm add <@${CSM}|mo.member>`);
  expect(JSON.stringify(csm)).toContain('is in the CSM pool');
  const channel = await world.app.commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
  expect(JSON.stringify(channel)).toContain(`<#${CHANNEL}>`);
});

const db = () => world.app.thread.services.db;

function addDeal(id: string, properties: Record<string, string>) {
  hubspot.deals.push({
    id,
    properties: { dealstage: 'closedwon', pipeline: 'default', hs_object_id: id, ...properties },
  });
}

async function webhook(events: ReturnType<typeof dealStageEvent>[]) {
  const res = await postHubSpot(`${world.app.url}/webhooks/hubspot`, events, {
    secret: world.emulators.env.HUBSPOT_CLIENT_SECRET!,
  });
  expect(res.status).toBe(200);
}

/** Waits until every trigger event for the deal has been handed to the workflow. */
async function eventsProcessed(dealId: string) {
  await world.app.until(
    async () => {
      const rows = await db()
        .selectFrom('trigger_events')
        .select('processed_at')
        .where('external_id', '=', dealId)
        .execute();
      return rows.length > 0 && rows.every((r) => r.processed_at);
    },
    `trigger events of deal ${dealId} processed`,
    20_000,
  );
}

const runsOf = (dealId: string) =>
  db().selectFrom('workflow_runs').selectAll().where('external_id', '=', dealId).execute();

/** Waits for the deal's run to finish and its posts to leave; returns the run. */
async function handoffDone(dealId: string) {
  const run = await world.app.until(
    async () => (await runsOf(dealId)).find((r) => r.status !== 'running'),
    `handoff run of deal ${dealId} finished`,
    20_000,
  );
  await world.app.until(
    async () =>
      (
        await db()
          .selectFrom('deliveries')
          .select('status')
          .where('key', 'like', `handoff:${run.id}:%`)
          .execute()
      ).every((d) => d.status !== 'pending'),
    'handoff posts delivered',
    8_000,
  );
  return run;
}

const accountsOf = (dealId: string) =>
  db()
    .selectFrom('accounts')
    .selectAll()
    .where('source', '=', 'hubspot')
    .where('external_id', '=', dealId)
    .execute();

async function milestonesOf(accountId: string) {
  return db().selectFrom('account_milestones').selectAll().where('account_id', '=', accountId).execute();
}

/** The Slack posts about a deal, found by the deal's name in the header (channel post and DM). */
function postsAbout(name: string, channel: string) {
  return world.app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && JSON.stringify(c.args.blocks ?? []).includes(name));
}

describe('handoff from a HubSpot deal entering closedwon', () => {
  it('one account with the template, one CSM, one channel post, one DM — however often the change is seen', async () => {
    addDeal('5001', {
      dealname: 'Globex onboarding',
      amount: '48000',
      closedate: '2026-11-30T00:00:00.000Z',
      hubspot_owner_id: '7001',
    });
    const first = [dealStageEvent(hubspot.portal.id, { dealId: 5001 })];
    await webhook(first);
    const run = await handoffDone('5001');
    expect(run.status).toBe('completed');
    expect((run.steps as { name: string; status: string }[]).map((s) => [s.name, s.status])).toEqual([
      ['fetch-deal', 'done'],
      ['upsert-account', 'done'],
      ['apply-template', 'done'],
      ['assign-csm', 'done'],
      ['gong-context', 'done'],
      ['ae-handoff', 'done'],
      ['handoff-email', 'done'],
      ['deliver', 'done'],
      ['write-back', 'done'],
    ]);

    // HubSpot retries the same delivery; the deal's stage is set to closedwon again (a new event) and
    // another property of it changes: none of it is a second entry into the stage.
    await webhook(first);
    await webhook([
      dealStageEvent(hubspot.portal.id, { dealId: 5001 }),
      {
        ...dealStageEvent(hubspot.portal.id, { dealId: 5001 }),
        propertyName: 'amount',
        propertyValue: '50000',
      },
    ]);
    await eventsProcessed('5001');

    expect(await runsOf('5001')).toHaveLength(1);
    const accounts = await accountsOf('5001');
    expect(accounts).toHaveLength(1);
    const account = accounts[0]!;
    expect(account).toMatchObject({
      name: 'Globex onboarding',
      amount: '48000',
      close_date: '2026-11-30',
      crm_owner_id: '7001',
      csm_user_id: CSM,
      stage: 'onboarding',
    });
    expect((await milestonesOf(account.id)).map((m) => m.name)).toEqual([
      'Kickoff call',
      'Technical setup',
      'Data import',
      'Training',
      'Go-live review',
      '30-day check-in',
    ]);

    const posts = postsAbout('Globex onboarding', CHANNEL);
    expect(posts).toHaveLength(1);
    const post = blocksToText(posts[0]!.args.blocks as unknown[]);
    expect(post).toContain('Amount: 48,000');
    expect(post).toContain('Close date: Nov 30, 2026');
    expect(post).toContain('AE (deal owner): HubSpot owner 7001');
    expect(post).toContain(`CSM: @${CSM}`);
    expect(post).toMatch(/Kickoff call — due \w+ \d+, \d{4}/);
    expect(postsAbout('Globex onboarding', `D${CSM}`)).toHaveLength(1);
  });

  it('a deal moving to another stage starts nothing', async () => {
    addDeal('5002', { dealname: 'Initech', dealstage: 'appointmentscheduled' });
    await webhook([dealStageEvent(hubspot.portal.id, { dealId: 5002, stage: 'appointmentscheduled' })]);
    await eventsProcessed('5002');
    expect(await runsOf('5002')).toHaveLength(0);
    expect(await accountsOf('5002')).toHaveLength(0);
    expect(postsAbout('Initech', CHANNEL)).toHaveLength(0);
  });

  it('a HubSpot 500 on the deal fetch: retried, then one of each, nothing doubled', async () => {
    addDeal('5003', { dealname: 'Umbrella Corp', amount: '1200' });
    hubspot.failNext('api', hubspot.fault(500));
    await webhook([dealStageEvent(hubspot.portal.id, { dealId: 5003 })]);
    const run = await handoffDone('5003');
    expect(run.status).toBe('completed');
    const fetch = (run.steps as { name: string; attempts: number; error: string | null }[])[0]!;
    expect(fetch).toMatchObject({ name: 'fetch-deal', attempts: 2, error: null });
    expect(await accountsOf('5003')).toHaveLength(1);
    expect(await milestonesOf((await accountsOf('5003'))[0]!.id)).toHaveLength(6);
    expect(postsAbout('Umbrella Corp', CHANNEL)).toHaveLength(1);
    expect(postsAbout('Umbrella Corp', `D${CSM}`)).toHaveLength(1);
  });

  it('names with mentions, formatting and 5,000 characters render safely within Block Kit limits', async () => {
    const name = `Hooli <!channel> <@U123> *bold* ${'x'.repeat(5000)}`;
    addDeal('5004', { dealname: name, amount: '10' });
    await webhook([dealStageEvent(hubspot.portal.id, { dealId: 5004 })]);
    const run = await handoffDone('5004');
    expect(run.status).toBe('completed');
    const posts = postsAbout('Hooli', CHANNEL);
    expect(posts).toHaveLength(1);
    const delivered = await db()
      .selectFrom('deliveries')
      .select(['status', 'last_error'])
      .where('key', 'like', `handoff:${run.id}:%`)
      .execute();
    expect(delivered).toEqual([
      { status: 'delivered', last_error: null },
      { status: 'delivered', last_error: null },
    ]);
    const sent = JSON.stringify(posts[0]!.args);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@U123>');
    // The name stands in a plain-text header: `*bold*` is shown as typed, not formatted.
    const header = (posts[0]!.args.blocks as { type: string; text: { type: string; text: string } }[])[0]!;
    expect(header.type).toBe('header');
    expect(header.text.type).toBe('plain_text');
    expect(header.text.text).toContain('*bold*');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
  });

  it('a deal without an amount: the account is created and the post names the gap', async () => {
    addDeal('5005', { dealname: 'Vandelay Industries' });
    await webhook([dealStageEvent(hubspot.portal.id, { dealId: 5005 })]);
    expect((await handoffDone('5005')).status).toBe('completed');
    const [account] = await accountsOf('5005');
    expect(account).toMatchObject({ name: 'Vandelay Industries', amount: null, close_date: null });
    const post = blocksToText(postsAbout('Vandelay Industries', CHANNEL)[0]!.args.blocks as unknown[]);
    expect(post).toContain('Amount: not set in HubSpot');
    expect(post).toContain('Close date: not set in HubSpot');
    expect(post).toContain('AE (deal owner): not set in HubSpot');
  });
});

describe('/thread handoff', () => {
  it('shows the settings to anyone; only managers change them', async () => {
    const shown = blocksToText((await world.app.commandReply('handoff', 'UMEMBER')).blocks as unknown[]);
    expect(shown).toContain('HubSpot stage: `closedwon`');
    expect(shown).toContain(`Handoff channel: #${CHANNEL}`);
    const refused = JSON.stringify(await world.app.commandReply('handoff stage 12345', 'UMEMBER'));
    expect(refused).toContain('only workspace admins and Thread admins');
    const bad = JSON.stringify(await world.app.commandReply('handoff stage <!channel>'));
    expect(bad).toContain('internal id');
    expect(bad).not.toContain('<!channel>');
    const changed = JSON.stringify(await world.app.commandReply('handoff stage 12345'));
    expect(changed).toContain('`12345`');
    const now = blocksToText((await world.app.commandReply('handoff')).blocks as unknown[]);
    expect(now).toContain('HubSpot stage: `12345`');
  });
});

describe('a handoff whose step keeps failing', () => {
  it('records each attempt, then ends Failed with the step and a plain reason, and is left alone after', async () => {
    addDeal('5006', { dealname: 'Soylent' });
    // A run as startHandoff makes it, without its job: this test plays the queue's attempts itself.
    const { id } = await db()
      .insertInto('workflow_runs')
      .values({
        team_id: world.app.teamId,
        idempotency_key: 'test:hubspot:5006:entered:closedwon',
        source: 'hubspot',
        external_id: '5006',
        context: JSON.stringify({ source: 'hubspot' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const services = world.app.thread.services;
    hubspot.failNext('api', hubspot.fault(500), hubspot.fault(500));
    expect(await runHandoffSteps(services, id, { lastTry: false })).toMatchObject({ outcome: 'retrying' });
    expect(await runHandoffSteps(services, id, { lastTry: true })).toMatchObject({ outcome: 'failed' });
    const run = (await runsOf('5006'))[0]!;
    expect(run.status).toBe('failed');
    expect(run.reason).toBe('fetch-deal: Provider rate limit or outage (HTTP 500)');
    expect(run.steps).toEqual([
      {
        name: 'fetch-deal',
        status: 'failed',
        attempts: 2,
        error: 'Provider rate limit or outage (HTTP 500)',
        finished_at: null,
      },
    ]);
    // A late redelivery of its job changes nothing.
    expect(await runHandoffSteps(services, id, { lastTry: false })).toEqual({ outcome: 'already finished' });
    expect(await accountsOf('5006')).toHaveLength(0);
  });
});

describe('a handoff whose source connection needs a person', () => {
  it('waits (no retries spent, the connection in Error saying why), then resumes once HubSpot is reconnected', async () => {
    // (The settings test above moved the handoff stage.)
    expect(JSON.stringify(await world.app.commandReply('handoff stage closedwon'))).toContain('`closedwon`');
    addDeal('5008', { dealname: 'Tyrell Corporation', amount: '9000' });
    hubspot.revokeAllGrants();
    await webhook([dealStageEvent(hubspot.portal.id, { dealId: 5008 })]);
    const waiting = await world.app.until(
      async () => (await runsOf('5008')).find((r) => r.waiting_for === 'hubspot'),
      'the run waiting for HubSpot',
      20_000,
    );
    expect(waiting.status).toBe('running');
    expect(waiting.reason).toBe('Waiting for HubSpot: Token expired. Reconnect to sign in again.');
    expect(waiting.steps).toEqual([
      {
        name: 'fetch-deal',
        status: 'waiting',
        attempts: 0,
        error: 'Waiting for HubSpot: Token expired. Reconnect to sign in again.',
        finished_at: null,
      },
    ]);
    const connection = await db()
      .selectFrom('connections')
      .select(['status', 'error_code'])
      .where('team_id', '=', world.app.teamId)
      .where('provider', '=', 'hubspot')
      .executeTakeFirstOrThrow();
    expect(connection).toEqual({ status: 'error', error_code: 'grant_revoked' });
    // Waiting is not stuck: the sweep leaves it alone.
    const { stuckWorkflowRuns } = await import('../../src/domain/recovery/stuck-work.js');
    await db()
      .updateTable('workflow_runs')
      .set({ updated_at: new Date(Date.now() - 20 * 60_000) })
      .where('id', '=', waiting.id)
      .execute();
    expect(await stuckWorkflowRuns(world.app.thread.services)).not.toContain(waiting.id);
    expect(await accountsOf('5008')).toHaveLength(0);

    await connectVia(world.app, hubspot, 'hubspot');
    const run = await handoffDone('5008');
    expect(run.status).toBe('completed');
    expect(run.waiting_for).toBeNull();
    expect((run.steps as { name: string; attempts: number }[])[0]).toMatchObject({
      name: 'fetch-deal',
      attempts: 1,
    });
    expect(await accountsOf('5008')).toHaveLength(1);
    expect(postsAbout('Tyrell Corporation', CHANNEL)).toHaveLength(1);
  });
});
