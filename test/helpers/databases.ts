/**
 * The database backends a suite runs against: the test run's embedded PostgreSQL 17 server always, and
 * another PostgreSQL (CI starts a 15, the oldest Supabase runs) when TEST_DATABASE_URL is set. Each
 * `open()` gives a fresh, migrated, isolated database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/app/db.js';
import { migrate } from '../../src/app/migrate.js';
import { emptyDatabaseUrl, freshDatabaseUrl, urlFor } from './test-database.js';

export interface Backend {
  name: 'embedded' | 'postgres';
  /** A fresh migrated database. */
  open(): Promise<Database>;
  /** A fresh database URL, unmigrated, for multi-instance and migration tests. */
  freshUrl(): Promise<string>;
}

export function backends(): Backend[] {
  const list: Backend[] = [
    {
      name: 'embedded',
      async open() {
        return openDatabase({ databaseUrl: await freshDatabaseUrl() });
      },
      freshUrl: emptyDatabaseUrl,
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
      return urlFor(name, url);
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
