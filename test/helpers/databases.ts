/**
 * The database backends a suite runs against: PGlite always, and real PostgreSQL when
 * TEST_DATABASE_URL is set (CI starts one). Each `open()` gives a fresh, migrated, isolated database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/app/db.js';
import { migrate } from '../../src/app/migrate.js';
import { freshPglite } from './pglite.js';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh migrated database. */
  open(): Promise<Database>;
  /** A fresh database URL (postgres only), unmigrated, for multi-instance tests. */
  freshUrl?(): Promise<string>;
}

const created: string[] = [];

export function backends(): Backend[] {
  const list: Backend[] = [
    {
      name: 'pglite',
      async open() {
        return openDatabase({ pglite: await freshPglite() });
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const freshUrl = async () => {
      const name = `thread_test_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      created.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    };
    list.push({
      name: 'postgres',
      freshUrl,
      async open() {
        const database = await openDatabase({ databaseUrl: await freshUrl() });
        await migrate(database);
        return database;
      },
    });
  }
  return list;
}

/** Test databases on the server are dropped by the CI script when it stops the server. */
export function createdDatabases(): readonly string[] {
  return created;
}
