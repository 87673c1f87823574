/** Once per test run: migrate a PGlite database and dump it for freshPglite(). */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../src/app/db.js';
import { listMigrations, migrate } from '../src/app/migrate.js';

export default async function setup(): Promise<void> {
  const migrations = await listMigrations();
  const hash = createHash('sha256')
    .update(migrations.map((m) => m.name + m.sql).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(tmpdir(), `thread-test-pglite-${hash}.tar.gz`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const database = await openDatabase({ pglite });
    await migrate(database);
    const blob = await pglite.dumpDataDir('gzip');
    writeFileSync(`${file}.tmp`, Buffer.from(await blob.arrayBuffer()));
    await database.close();
    const { renameSync } = await import('node:fs');
    renameSync(`${file}.tmp`, file);
  }
  process.env.THREAD_TEST_PGLITE_DUMP = file;
}
