/**
 * Notion's trigger through the real app: the poll (data source found → the sweep of what already sits in
 * the status → changes by last_edited_time) and the signed webhook (verified → a re-read of the row it
 * names), both against the emulator (Notion-Version 2025-09-03, minute-rounded edit times, trash left out
 * of queries), each ending in one handoff through the row read as a deal with the team's mapping.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateWorkflowSettings } from '../../src/domain/workflows/settings.js';
import { type ConnectorWorld, connectVia, dmsTo } from '../connectors/helpers.js';
import type { NotionEmulator } from '../emulators/notion.js';
import { startProviderEmulators } from '../emulators/providers.js';
import { startTestApp } from '../helpers/app.js';
import { notionPageEvent, postNotion } from '../helpers/notion-webhooks.js';
import { handoffSetUp, ONE_HANDOFF, polling } from './polling.js';

const TOKEN = `secret_${randomBytes(24).toString('hex')}`;
const world = {} as ConnectorWorld;
const t = polling(world);
let notion: NotionEmulator;
let oldRow: string;

beforeAll(async () => {
  world.emulators = await startProviderEmulators();
  world.app = await startTestApp({
    env: { ...world.emulators.env, NOTION_WEBHOOK_VERIFICATION_TOKEN: TOKEN },
  });
  for (const [id, emulator] of Object.entries(world.emulators.byId)) {
    emulator.registerRedirectUri(`${world.app.url}/oauth/${id}/callback`);
  }
  notion = world.emulators.byId.notion as NotionEmulator;
  await connectVia(world.app, notion, 'notion');
  await handoffSetUp(world);
  await updateWorkflowSettings(
    t.db(),
    world.app.teamId,
    {
      notion: {
        // As copied from the database's URL: no dashes.
        databaseId: notion.database.id.replaceAll('-', ''),
        statusProperty: 'Status',
        statusValue: 'Won',
        mapping: { domain: 'Website', aeEmail: 'AE email', amount: 'ARR', closeDate: 'Close date' },
      },
    },
    'UADMIN',
  );
  oldRow = notion.database.addRow({ name: 'Already Won', status: 'Won' });
  // 1: the database's data source; 2: the sweep (the row already Won is recorded, not fired).
  expect((await t.poll('notion')).sweeping).toBe(true);
  const swept = await t.poll('notion');
  expect(swept.sweeping).toBe(false);
  expect(swept.last_error).toBeNull();
});

afterAll(async () => {
  await world.app?.stop();
  await world.emulators?.close();
});

const webhookUrl = () => `${world.app.url}/webhooks/notion`;
const rechecksPending = async () =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from pgboss.job
        where name = 'poll-recheck' and state in ('created', 'retry', 'active')`.execute(t.db())
    ).rows[0]?.n,
  );

const recheckJobs = async () =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from pgboss.job where name = 'poll-recheck'`.execute(
        t.db(),
      )
    ).rows[0]?.n,
  );

describe('Notion poll', () => {
  it('a row whose status becomes Won: one account from the mapping, one post, one DM; later edits add nothing', async () => {
    const row = notion.database.addRow({
      name: 'Notion Globex',
      status: 'Negotiation',
      domain: 'https://www.globex.example',
      aeEmail: 'ae@acme.com',
      amount: 48000,
      closeDate: '2026-12-01',
    });
    await t.poll('notion');
    expect(await t.runsOf('notion', row)).toHaveLength(0);

    notion.database.editRow(row, { status: 'Won' });
    await t.poll('notion');
    expect((await t.handoffDone('notion', row)).status).toBe('completed');
    const [account] = await t.accountsOf('notion', row);
    expect(account).toMatchObject({
      name: 'Notion Globex',
      amount: '48000',
      close_date: '2026-12-01',
      domain: 'globex.example',
      ae_email: 'ae@acme.com',
    });

    // Edited again a minute later (a new last_edited_time): the row sits in Won, no new entry.
    notion.database.editRow(row, { amount: 50000 }, new Date(Date.now() + 61_000));
    await t.poll('notion');
    await t.poll('notion');
    await t.eventsProcessed('notion', row);
    expect(await t.eventsOf('notion', row)).toHaveLength(1);
    expect(await t.expectOneHandoff('notion', row, 'Notion Globex')).toMatchObject(ONE_HANDOFF);
  });

  it('a row already Won when Thread started watching, then edited: nothing', async () => {
    notion.database.editRow(oldRow, { amount: 1 });
    await t.poll('notion');
    expect(await t.eventsOf('notion', oldRow)).toHaveLength(0);
  });

  it('Notion answering 429 rate_limited: the cursor stays, the next poll hands off once', async () => {
    const row = notion.database.addRow({ name: 'Notion Umbrella', status: 'Won' });
    const before = await t.cursorOf('notion');
    notion.failNext('api', notion.fault(429, { retryAfter: 1 }));
    const failed = await t.poll('notion');
    expect(failed.cursor).toEqual(before!.cursor);
    expect(failed.last_error).toMatch(/^rate_limited/);
    await t.poll('notion');
    await t.handoffDone('notion', row);
    expect(await t.expectOneHandoff('notion', row, 'Notion Umbrella')).toMatchObject(ONE_HANDOFF);
  });
});

describe('Notion webhook', () => {
  it('a signed event re-reads the row and hands off; the same delivery again and the poll after it add nothing', async () => {
    const row = notion.database.addRow({ name: 'Notion Initech', status: 'Won' });
    const event = notionPageEvent(notion.workspace.id, row, { dataSourceId: notion.database.dataSourceId });
    expect((await postNotion(webhookUrl(), event, TOKEN)).status).toBe(200);
    await t.handoffDone('notion', row);
    expect((await postNotion(webhookUrl(), event, TOKEN)).status).toBe(200);
    // The re-read it asks for holds the source while it runs (a poll meanwhile finds it busy): let it end.
    await world.app.until(async () => (await rechecksPending()) === 0, 'the re-read done', 10_000);
    await t.poll('notion');
    await t.poll('notion');
    await t.eventsProcessed('notion', row);
    expect(await t.expectOneHandoff('notion', row, 'Notion Initech')).toMatchObject(ONE_HANDOFF);
  });

  it('a row moved to the trash: ignored with a log line, never a handoff', async () => {
    const row = notion.database.addRow({ name: 'Notion Trashed', status: 'Won' });
    notion.database.trashRow(row);
    const event = notionPageEvent(notion.workspace.id, row, { type: 'page.deleted' });
    expect((await postNotion(webhookUrl(), event, TOKEN)).status).toBe(200);
    await world.app.until(
      () => world.app.logs.some((l) => l.includes('an archived record was ignored') && l.includes(row)),
      'the archived row logged',
      10_000,
    );
    await t.poll('notion');
    expect(await t.eventsOf('notion', row)).toHaveLength(0);
    expect(await t.runsOf('notion', row)).toHaveLength(0);
  });

  it('unsigned, forged, oversized, malformed or from an unknown workspace: refused or ignored, nothing queued', async () => {
    const row = notion.database.addRow({ name: 'Notion Forged', status: 'Won' });
    const event = notionPageEvent(notion.workspace.id, row);
    const jobs = await recheckJobs();
    expect((await postNotion(webhookUrl(), event, null)).status).toBe(401);
    expect((await postNotion(webhookUrl(), event, `secret_${'x'.repeat(40)}`)).status).toBe(401);
    expect((await postNotion(webhookUrl(), event, TOKEN, 'sha256=00')).status).toBe(401);
    const big = { ...event, padding: 'x'.repeat(1024 * 1024) };
    expect((await postNotion(webhookUrl(), big, TOKEN)).status).toBe(413);
    const bad = await postNotion(webhookUrl(), { hello: 'world' }, TOKEN);
    expect(bad).toMatchObject({ status: 400, text: expect.stringContaining('not a Notion webhook event') });
    const elsewhere = notionPageEvent('9f1c0c2e-0000-4000-8000-000000000000', row);
    expect((await postNotion(webhookUrl(), elsewhere, TOKEN)).status).toBe(200);
    expect(await recheckJobs()).toBe(jobs);
    expect(await t.eventsOf('notion', row)).toHaveLength(0);
  });

  it('the verification request: its token is DMed to whoever connected Notion and never logged', async () => {
    const fresh = `secret_${randomBytes(24).toString('hex')}`;
    const dms = dmsTo(world.app, 'UADMIN').length;
    expect((await postNotion(webhookUrl(), { verification_token: fresh }, null)).status).toBe(200);
    const dm = await world.app.until(() => dmsTo(world.app, 'UADMIN').slice(dms)[0], 'the token DM');
    expect(dm).toContain(fresh);
    expect(dm).toContain('NOTION_WEBHOOK_VERIFICATION_TOKEN');
    expect(world.app.logs.join('\n')).not.toContain(fresh);
    expect(world.app.logs.join('\n')).not.toContain(TOKEN);
    // A second one within minutes (anyone can send one): not passed on.
    const again = `secret_${randomBytes(24).toString('hex')}`;
    expect((await postNotion(webhookUrl(), { verification_token: again }, null)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(dmsTo(world.app, 'UADMIN'))).not.toContain(again);
  });
});
