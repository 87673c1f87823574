/**
 * `npm run keys:rotate`: re-seal every stored secret under the current THREAD_ENCRYPTION_KEY.
 *
 * Set the new key in THREAD_ENCRYPTION_KEY and the old one(s) in THREAD_PREVIOUS_ENCRYPTION_KEYS, restart
 * Thread (it reads both), then run this. It prints how many secrets it re-sealed and which ones no
 * configured key opens (exit 1), is safe to run twice, and safe while Thread runs (embedded: it uses the
 * running server). Once it reports nothing unreadable, drop the old keys.
 */
import 'dotenv/config';
import { rotateKeys } from '../domain/connections/key-rotation.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnreachableError, openDatabase } from './db.js';
import { EmbeddedDatabaseError } from './embedded/server.js';
import { loadKeyring, TokenVault } from './vault.js';

function fail(message: string): never {
  process.stderr.write(`keys:rotate: ${message}\n`);
  process.exit(1);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
})();
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  attach: true,
}).catch((err: Error) => {
  if (err instanceof DatabaseUnreachableError || err instanceof EmbeddedDatabaseError) fail(err.message);
  throw err;
});
let exitCode = 0;
try {
  const keyring = loadKeyring({
    encryptionKey: config.encryptionKey,
    previousEncryptionKeys: config.previousEncryptionKeys,
    dataDir: config.dataDir,
  });
  const vault = await TokenVault.open(database.db, keyring);
  const report = await rotateKeys(database.db, vault);
  const out = [
    `Re-sealed ${report.resealed} secret(s) under the current key (${keyring.currentKid}); ${report.current} already were.`,
  ];
  if (report.unreadable.length) {
    exitCode = 1;
    out.push(
      `Could not open ${report.unreadable.length} secret(s) with THREAD_ENCRYPTION_KEY or THREAD_PREVIOUS_ENCRYPTION_KEYS:`,
      ...report.unreadable.map((u) => `  • ${u.owner}`),
      'Add the key they were sealed with to THREAD_PREVIOUS_ENCRYPTION_KEYS and run `npm run keys:rotate` again,',
      'or Reconnect those connections. Until then they show as ⚠️ Setup problem. Keep the old keys for now.',
    );
  } else {
    out.push('Every secret opens with the current key: you can remove THREAD_PREVIOUS_ENCRYPTION_KEYS.');
  }
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
