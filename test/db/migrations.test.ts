import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/app/db.js';
import { listMigrations, migrate } from '../../src/app/migrate.js';
import { backends } from '../helpers/databases.js';

const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

describe.each(backends())('migrations on $name', (backend) => {
  it('are recorded and applied once', async () => {
    const database = await backend.open();
    opened.push(database);
    const again = await migrate(database);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe((await listMigrations()).length);
    const rows = await database.db.selectFrom('thread_migrations').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual((await listMigrations()).map((m) => m.name));
  });

  it("create every table and column the code's row types name", async () => {
    const database = await backend.open();
    opened.push(database);
    const cols = await sql<{ table_name: string; column_name: string }>`select table_name, column_name
      from information_schema.columns where table_schema = 'public'`.execute(database.db);
    const have = new Set(cols.rows.map((r) => `${r.table_name}.${r.column_name}`));
    for (const needed of [
      'connections.token_secret_id',
      'connections.last_refresh_success_at',
      'connections.refresh_attempts',
      'oauth_states.code_verifier_sealed',
      'installations.bot_token_secret_id',
      'integration_logs.detail',
      'accounts.template_version',
      'accounts.crm_owner_id',
      'template_versions.milestones',
      'account_milestones.due_date',
      'csm_pool.last_assigned_at',
      'crm_owner_csm_map.csm_user_id',
      'ae_handoffs.goals',
      'handoff_emails.status',
    ]) {
      expect(have).toContain(needed);
    }
  });
});

describe.each(backends())('migrations on $name, two instances starting at once', (backend) => {
  it('take turns under the advisory lock: each file applied exactly once', async () => {
    const url = await backend.freshUrl();
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: url }),
      openDatabase({ databaseUrl: url }),
    ]);
    opened.push(a, b);
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    const total = (await listMigrations()).length;
    expect(ra.applied.length + rb.applied.length).toBe(total);
    expect(Math.min(ra.applied.length, rb.applied.length)).toBe(0);
  });

  it('count versions the Supabase CLI already applied (supabase db push) as done', async () => {
    const url = await backend.freshUrl();
    const database = await openDatabase({ databaseUrl: url });
    opened.push(database);
    const [first] = await listMigrations();
    await database.exec(first!.sql);
    await database.exec(`create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text primary key);
      insert into supabase_migrations.schema_migrations values ('${first!.name.split('_')[0]}');`);
    const result = await migrate(database);
    expect(result.applied).not.toContain(first!.name);
  });
});
