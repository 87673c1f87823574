import { sql } from 'kysely';
import type { Database } from '../../src/app/db.js';

/** Every row of every table in the public schema, as text: for "no token anywhere" scans. */
export async function dumpAllTables(database: Database): Promise<string> {
  const tables = await sql<{ t: string }>`select table_name as t from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(database.db);
  const out: string[] = [];
  for (const { t } of tables.rows) {
    const rows = await sql.raw(`select * from "${t.replace(/"/g, '')}"`).execute(database.db);
    out.push(`${t}: ${JSON.stringify(rows.rows)}`);
  }
  return out.join('\n');
}
