import { sql } from 'kysely';
import type { Database } from '../../src/app/db.js';

/**
 * Every row of every table in `schemas` (Thread's own, by default), as text: for "no token anywhere"
 * scans. Tables outside `public` are named with their schema.
 */
export async function dumpAllTables(database: Database, schemas: string[] = ['public']): Promise<string> {
  const tables = await sql<{ s: string; t: string }>`select table_schema as s, table_name as t
    from information_schema.tables
    where table_schema = any(${schemas}) and table_type = 'BASE TABLE'`.execute(database.db);
  const out: string[] = [];
  for (const { s, t } of tables.rows) {
    const quoted = `"${s.replace(/"/g, '')}"."${t.replace(/"/g, '')}"`;
    const rows = await sql.raw(`select * from ${quoted}`).execute(database.db);
    out.push(`${s === 'public' ? t : `${s}.${t}`}: ${JSON.stringify(rows.rows)}`);
  }
  return out.join('\n');
}
