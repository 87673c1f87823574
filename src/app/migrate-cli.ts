/** `npm run db:migrate`: apply supabase/migrations to DATABASE_URL (or the embedded database). */
import 'dotenv/config';
import { openDatabase } from './db.js';
import { migrate } from './migrate.js';

const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.THREAD_DATA_DIR || './.thread',
  attach: true, // a running Thread's embedded server, if there is one
}).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
try {
  const result = await migrate(database);
  process.stdout.write(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s):\n${result.applied.map((m) => `  ${m}`).join('\n')}\n`
      : `Database is up to date (${result.alreadyApplied} migrations).\n`,
  );
} finally {
  await database.close();
}
