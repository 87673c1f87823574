/**
 * Fresh migrated PGlite databases in ~0.3 s: the global setup migrates one database per run and dumps
 * its data folder; every test loads that dump instead of running initdb + migrations again.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

let dump: Buffer | undefined;

export async function freshPglite(): Promise<PGlite> {
  const file = process.env.THREAD_TEST_PGLITE_DUMP;
  if (!file) return PGlite.create();
  dump ??= readFileSync(file);
  return PGlite.create({ loadDataDir: new Blob([new Uint8Array(dump)]) });
}
