import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyring, SealError } from '../../src/app/crypto.js';
import type { Database } from '../../src/app/db.js';
import { TokenVault } from '../../src/app/vault.js';
import { backends } from '../helpers/databases.js';
import { dumpAllTables } from '../helpers/table-dump.js';

const key = () => randomBytes(32).toString('base64');

describe.each(backends())('TokenVault on $name', (backend) => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('stores only ciphertext; our tables hold only the UUID', async () => {
    database = await backend.open();
    const vault = await TokenVault.open(database.db, createKeyring(key()));
    expect(vault.backend).toBe('local');
    const secret = `refresh-${randomBytes(16).toString('hex')}`;
    const id = await vault.put(secret, 'test');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await vault.get(id)).toBe(secret);
    const dump = await dumpAllTables(database);
    expect(dump).not.toContain(secret);
    expect(dump).toContain(id);
  });

  it('fails loudly under the wrong key', async () => {
    database = await backend.open();
    const id = await (await TokenVault.open(database.db, createKeyring(key()))).put(
      'top secret value',
      'test',
    );
    const other = await TokenVault.open(database.db, createKeyring(key()));
    await expect(other.get(id)).rejects.toThrow(SealError);
    await expect(other.get(id)).rejects.toThrow(/sealed with key [0-9a-f]{16}, which is not configured/);
  });

  it('detects tampering', async () => {
    database = await backend.open();
    const vault = await TokenVault.open(database.db, createKeyring(key()));
    const id = await vault.put('value to protect', 'test');
    const row = await database.db
      .selectFrom('thread_vault')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const parts = row.secret.split('.');
    parts[4] = Buffer.from('x'.repeat(16)).toString('base64url');
    await database.db
      .updateTable('thread_vault')
      .set({ secret: parts.join('.') })
      .where('id', '=', id)
      .execute();
    await expect(vault.get(id)).rejects.toThrow(/altered/);
  });

  it('rotation re-seals old secrets under the new key, and the old key can then be dropped', async () => {
    database = await backend.open();
    const oldKey = key();
    const newKey = key();
    const v1 = await TokenVault.open(database.db, createKeyring(oldKey));
    const ids = [await v1.put('alpha-secret-1', 'a'), await v1.put('beta-secret-22', 'b')];
    const v2 = await TokenVault.open(database.db, createKeyring(newKey, [oldKey]));
    expect(await v2.get(ids[0]!)).toBe('alpha-secret-1'); // still readable mid-rotation
    const round = async () => Promise.all((await v2.ids()).map((id) => v2.reseal(id)));
    expect(await round()).toEqual(['resealed', 'resealed']);
    expect(await round()).toEqual(['current', 'current']);
    const v3 = await TokenVault.open(database.db, createKeyring(newKey));
    expect(await v3.get(ids[1]!)).toBe('beta-secret-22');
    await expect(v1.get(ids[0]!)).rejects.toThrow(SealError);
  });

  it('updates and deletes', async () => {
    database = await backend.open();
    const vault = await TokenVault.open(database.db, createKeyring(key()));
    const id = await vault.put('first-value', 'x');
    await vault.update(id, 'second-value');
    expect(await vault.get(id)).toBe('second-value');
    await vault.delete(id);
    await expect(vault.get(id)).rejects.toThrow(/not in the vault/);
  });

  it('uses Supabase Vault through its SQL API when it is installed', async () => {
    database = await backend.open();
    // The shape of Supabase Vault's API (vault.create_secret / update_secret / decrypted_secrets);
    // the real one encrypts again with pgsodium, which changes nothing for us.
    await database.exec(readFileSync('test/fixtures/supabase-vault-api.sql', 'utf8'));
    const vault = await TokenVault.open(database.db, createKeyring(key()));
    expect(vault.backend).toBe('supabase_vault');
    const id = await vault.put('vault-held-secret', 'test');
    expect(await vault.get(id)).toBe('vault-held-secret');
    await vault.update(id, 'vault-held-secret-2');
    expect(await vault.get(id)).toBe('vault-held-secret-2');
    const stored = await sql<{
      s: string;
    }>`select secret as s from vault.secrets where id = ${id}::uuid`.execute(database.db);
    expect(stored.rows[0]?.s).toMatch(/^tv1\./);
    expect(await database.db.selectFrom('thread_vault').selectAll().execute()).toEqual([]);
    await vault.delete(id);
    await expect(vault.get(id)).rejects.toThrow(/not in the vault/);
  });
});
