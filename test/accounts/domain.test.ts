/**
 * The accounts domain on the real app's database: upserts, templates and their snapshots, and who gets
 * an account — including two Thread instances racing for a CSM's last slot over two connections.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/app/db.js';
import type { DB } from '../../src/app/db-types.js';
import { applyTemplate } from '../../src/domain/accounts/apply-template.js';
import { assignCsm } from '../../src/domain/accounts/assign-csm.js';
import { addCsm, mapCrmOwner, removeCsm } from '../../src/domain/accounts/csm-pool.js';
import { DEFAULT_MILESTONES, defaultTemplate, editTemplate } from '../../src/domain/accounts/templates.js';
import { upsertAccount } from '../../src/domain/accounts/upsert.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let db: Kysely<DB>;
beforeAll(async () => {
  app = await startTestApp();
  db = app.thread.services.db;
});
afterAll(async () => {
  await app?.stop();
});

/** Each test works in its own team, so nothing needs cleaning between them. */
const newTeam = () => `T${randomBytes(4).toString('hex').toUpperCase()}`;

async function account(teamId: string, externalId: string, extra: { crmOwnerId?: string } = {}) {
  const { account } = await upsertAccount(db, {
    teamId,
    source: 'hubspot',
    externalId,
    name: `Deal ${externalId}`,
    ...extra,
  });
  return account.id;
}

async function milestonesOf(accountId: string) {
  return db
    .selectFrom('account_milestones')
    .select(['position', 'name', 'description', 'due_date', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
}

describe('upsertAccount', () => {
  it('is one account per (team, source, external id); what the CRM sends updates it, what it omits stays', async () => {
    const teamId = newTeam();
    const facts = {
      teamId,
      source: 'hubspot' as const,
      externalId: 'deal-1',
      name: 'Acme',
      domain: 'acme.com',
      amount: '48000',
      currency: 'USD',
      closeDate: '2026-12-01',
      aeEmail: 'ana@seller.com',
    };
    const first = await upsertAccount(db, facts);
    const again = await upsertAccount(db, facts);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.account.id).toBe(first.account.id);

    const later = await upsertAccount(db, {
      teamId,
      source: 'hubspot',
      externalId: 'deal-1',
      name: 'Acme Inc',
      amount: 52000,
    });
    expect(later.account).toMatchObject({
      id: first.account.id,
      name: 'Acme Inc',
      amount: '52000',
      domain: 'acme.com',
      close_date: '2026-12-01',
      ae_email: 'ana@seller.com',
    });
    // The same external id from another source, or in another team, is another account.
    const salesforce = await upsertAccount(db, { ...facts, source: 'salesforce' });
    const otherTeam = await upsertAccount(db, { ...facts, teamId: newTeam() });
    expect(salesforce.created && otherTeam.created).toBe(true);
    const rows = await db.selectFrom('accounts').select('id').where('team_id', '=', teamId).execute();
    expect(rows).toHaveLength(2);
  });
});

describe('templates', () => {
  it('seed one default template per team on first use, even when two ask at once', async () => {
    const teamId = newTeam();
    const [a, b] = await Promise.all([defaultTemplate(db, teamId), defaultTemplate(db, teamId)]);
    expect(a.templateId).toBe(b.templateId);
    expect(a.version).toBe(1);
    expect(a.milestones.map((m) => m.name)).toEqual([
      'Kickoff call',
      'Technical setup',
      'Data import',
      'Training',
      'Go-live review',
      '30-day check-in',
    ]);
    expect(a.milestones.every((m) => m.duration_days > 0)).toBe(true);
  });

  it('apply snapshots the current version with back-to-back due dates, and the first milestone starts, and applying again changes nothing', async () => {
    const teamId = newTeam();
    const id = await account(teamId, 'd1');
    const applied = await applyTemplate(db, id, { startDate: '2026-12-01' });
    expect(applied).toMatchObject({ applied: true, version: 1 });
    const milestones = await milestonesOf(id);
    expect(milestones.map((m) => [m.name, m.due_date, m.status])).toEqual([
      ['Kickoff call', '2026-12-04', 'in_progress'],
      ['Technical setup', '2026-12-11', 'pending'],
      ['Data import', '2026-12-18', 'pending'],
      ['Training', '2026-12-25', 'pending'],
      ['Go-live review', '2026-12-30', 'pending'],
      ['30-day check-in', '2027-01-29', 'pending'],
    ]);
    const twice = await applyTemplate(db, id, { startDate: '2027-03-01' });
    expect(twice).toMatchObject({ applied: false, version: 1 });
    expect(await milestonesOf(id)).toEqual(milestones);
    const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ stage: 'onboarding', template_id: applied.templateId, template_version: 1 });
  });

  it('a template edited after apply leaves the account’s milestones as they were; new accounts get the new version', async () => {
    const teamId = newTeam();
    const before = await account(teamId, 'd1');
    await applyTemplate(db, before, { startDate: '2026-12-01' });
    const snapshot = await milestonesOf(before);

    const template = await defaultTemplate(db, teamId);
    const edited = await editTemplate(
      db,
      template.templateId,
      [
        { name: 'Welcome email', description: 'Say hello.', duration_days: 1 },
        ...DEFAULT_MILESTONES.slice(1).map((m) => ({ ...m, duration_days: m.duration_days * 2 })),
      ],
      'UADMIN',
    );
    expect(edited.version).toBe(2);
    await expect(editTemplate(db, template.templateId, [], 'UADMIN')).rejects.toThrow(/at least one/);

    expect(await milestonesOf(before)).toEqual(snapshot);
    const old = await db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', before)
      .executeTakeFirstOrThrow();
    expect(old.template_version).toBe(1);

    const after = await account(teamId, 'd2');
    expect(await applyTemplate(db, after, { startDate: '2026-12-01' })).toMatchObject({ version: 2 });
    expect((await milestonesOf(after))[0]).toMatchObject({ name: 'Welcome email', due_date: '2026-12-02' });
  });
});

describe('assignCsm', () => {
  async function pool(teamId: string, members: [string, number][]) {
    // One at a time: the pool's join order breaks ties between CSMs never assigned.
    for (const [user, capacity] of members) await addCsm(db, teamId, user, capacity, 'UADMIN');
  }

  async function assignAll(teamId: string, count: number, from = 0) {
    const got: string[] = [];
    for (let i = from; i < from + count; i++) {
      const r = await assignCsm(db, await account(teamId, `d${i}`));
      got.push(r.outcome === 'assigned' ? r.csmUserId : r.outcome);
    }
    return got;
  }

  it('goes round-robin by least recently assigned, never-assigned first in the order they joined', async () => {
    const teamId = newTeam();
    await pool(teamId, [
      ['UANN', 10],
      ['UBEA', 10],
      ['UCAL', 10],
    ]);
    expect(await assignAll(teamId, 5)).toEqual(['UANN', 'UBEA', 'UCAL', 'UANN', 'UBEA']);
    // Someone joining later has never been assigned: they are next.
    await pool(teamId, [['UDEV', 10]]);
    expect(await assignAll(teamId, 2, 5)).toEqual(['UDEV', 'UCAL']);
  });

  it('skips whoever is at capacity; an account going live frees its slot', async () => {
    const teamId = newTeam();
    await pool(teamId, [
      ['UANN', 1],
      ['UBEA', 5],
    ]);
    expect(await assignAll(teamId, 3)).toEqual(['UANN', 'UBEA', 'UBEA']);
    await db
      .updateTable('accounts')
      .set({ stage: 'live' })
      .where('team_id', '=', teamId)
      .where('csm_user_id', '=', 'UANN')
      .execute();
    expect(await assignAll(teamId, 1, 3)).toEqual(['UANN']);
  });

  it('the CRM owner → CSM mapping wins over the rotation', async () => {
    const teamId = newTeam();
    await pool(teamId, [
      ['UANN', 10],
      ['UBEA', 10],
    ]);
    await mapCrmOwner(db, { teamId, source: 'hubspot', ownerId: 'owner-7', csmUserId: 'UBEA' });
    const mapped = await assignCsm(db, await account(teamId, 'd1', { crmOwnerId: 'owner-7' }));
    expect(mapped).toEqual({ outcome: 'assigned', csmUserId: 'UBEA', via: 'owner-map' });
    // An owner with no mapping goes round-robin, where UBEA is now the most recently assigned.
    const unmapped = await assignCsm(db, await account(teamId, 'd2', { crmOwnerId: 'owner-8' }));
    expect(unmapped).toEqual({ outcome: 'assigned', csmUserId: 'UANN', via: 'round-robin' });
  });

  it('says plainly when nobody has room, and keeps an account’s CSM when asked again', async () => {
    const teamId = newTeam();
    expect(await assignCsm(db, await account(teamId, 'd0'))).toEqual({ outcome: 'no-room', poolSize: 0 });
    await pool(teamId, [['UANN', 1]]);
    const first = await account(teamId, 'd1');
    expect(await assignCsm(db, first)).toMatchObject({ outcome: 'assigned', csmUserId: 'UANN' });
    expect(await assignCsm(db, first)).toEqual({ outcome: 'already-assigned', csmUserId: 'UANN' });
    expect(await assignCsm(db, await account(teamId, 'd2'))).toEqual({ outcome: 'no-room', poolSize: 1 });
    // Removed CSMs take nothing new.
    await addCsm(db, teamId, 'UBEA', 3, 'UADMIN');
    await removeCsm(db, teamId, 'UBEA');
    expect(await assignCsm(db, await account(teamId, 'd3'))).toEqual({ outcome: 'no-room', poolSize: 1 });
  });

  describe('two instances at once', () => {
    const others: Database[] = [];
    afterAll(async () => {
      await Promise.all(others.map((d) => d.close()));
    });

    it('never both take the last slot: exactly one of two concurrent assignments gets it', async () => {
      // Two pools, as two Thread instances would have, on the same database.
      const [one, two] = await Promise.all([
        openDatabase({ databaseUrl: app.env.DATABASE_URL! }),
        openDatabase({ databaseUrl: app.env.DATABASE_URL! }),
      ]);
      others.push(one, two);
      // A race can be lost by luck; ten of them in a row cannot all be.
      for (let round = 0; round < 10; round++) {
        const teamId = newTeam();
        await pool(teamId, [['UANN', 1]]);
        const [a, b] = [await account(teamId, 'a'), await account(teamId, 'b')];
        const results = await Promise.all([assignCsm(one.db, a), assignCsm(two.db, b)]);
        expect(results.map((r) => r.outcome).sort()).toEqual(['assigned', 'no-room']);
        const taken = await db
          .selectFrom('accounts')
          .select('id')
          .where('team_id', '=', teamId)
          .where('csm_user_id', '=', 'UANN')
          .execute();
        expect(taken).toHaveLength(1);
      }
    });
  });
});
