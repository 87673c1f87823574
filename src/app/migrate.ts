/**
 * Applies supabase/migrations/*.sql in name order, once each, recorded in `thread_migrations`.
 *
 * The same files are what `supabase db push` applies; when the Supabase CLI already recorded a version in
 * `supabase_migrations.schema_migrations`, we count it as applied too. An advisory lock makes two
 * instances starting at once take turns instead of racing.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './db.js';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../supabase/migrations',
);

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<{ name: string; sql: string }[]> {
  const files = (await readdir(dir)).filter((f) => /^\d+_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (name) => ({ name, sql: await readFile(path.join(dir, name), 'utf8') })),
  );
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = await listMigrations(dir);
  return database.withAdvisoryLock('thread_migrations', async () => {
    await database.exec(`create table if not exists thread_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set(
      (await database.db.selectFrom('thread_migrations').select('name').execute()).map((r) => r.name),
    );
    for (const version of await supabaseCliVersions(database)) {
      for (const m of migrations) if (m.name.startsWith(`${version}_`)) done.add(m.name);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      // Each file and its bookkeeping row commit together, so a failed file is retried whole next time.
      await database.exec(
        `begin;\n${m.sql}\n;\ninsert into thread_migrations (name) values ('${m.name.replace(/'/g, "''")}');\ncommit;`,
      );
      applied.push(m.name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  });
}

async function supabaseCliVersions(database: Database): Promise<string[]> {
  const exists = await sql<{
    t: string | null;
  }>`select to_regclass('supabase_migrations.schema_migrations')::text as t`.execute(database.db);
  if (!exists.rows[0]?.t) return [];
  const rows = await sql<{
    version: string;
  }>`select version from supabase_migrations.schema_migrations`.execute(database.db);
  return rows.rows.map((r) => r.version);
}
