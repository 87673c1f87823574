/**
 * TokenVault — the only code that touches secrets at rest.
 *
 * Values are sealed with our AES-256-GCM envelope (crypto.ts) and stored in Supabase Vault
 * (`vault.create_secret` / `vault.update_secret` / `vault.decrypted_secrets`) when it is installed, or in
 * the local `thread_vault` table otherwise. Our other tables hold only the returned UUID. Secret values
 * travel as bind parameters only, never interpolated into SQL text (statement logs could capture them).
 * Every value that passes through here is registered with the log scrubber, token by token, so it is
 * masked wherever it shows up later — also in a process that just started and has only read it.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { createKeyring, generateKey, type Keyring } from './crypto.js';
import type { DB } from './db-types.js';
import { rememberSecretsIn } from './redact.js';

export type Executor = Kysely<DB>;
export type VaultBackend = 'supabase_vault' | 'local';

export class VaultError extends Error {
  override name = 'VaultError';
}

export class TokenVault {
  private constructor(
    private readonly db: Kysely<DB>,
    private readonly keyring: Keyring,
    readonly backend: VaultBackend,
  ) {}

  static async open(db: Kysely<DB>, keyring: Keyring): Promise<TokenVault> {
    return new TokenVault(db, keyring, await detectBackend(db));
  }

  get currentKeyId(): string {
    return this.keyring.currentKid;
  }

  /** Seals a short-lived secret kept in our own row (a PKCE verifier): ciphertext only, never stored plain. */
  seal(value: string): string {
    rememberSecretsIn(value);
    return this.keyring.seal(value);
  }

  open(sealed: string): string {
    const value = this.keyring.open(sealed);
    rememberSecretsIn(value);
    return value;
  }

  /** Seals and stores `value`; returns the UUID to keep in our tables. `purpose` only names the secret. */
  async put(value: string, purpose: string, executor: Executor = this.db): Promise<string> {
    rememberSecretsIn(value);
    const sealed = this.keyring.seal(value);
    const name = `thread/${purpose}/${randomUUID()}`;
    if (this.backend === 'supabase_vault') {
      const r = await sql<{
        id: string;
      }>`select vault.create_secret(${sealed}, ${name}, ${`Thread ${purpose}`}) as id`.execute(executor);
      return r.rows[0]!.id;
    }
    const row = await executor
      .insertInto('thread_vault')
      .values({ name, secret: sealed, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Reads and opens a secret. Throws VaultError if it is missing, SealError if the key is wrong. */
  async get(id: string, executor: Executor = this.db): Promise<string> {
    const sealed = await this.readSealed(id, executor);
    if (sealed === undefined)
      throw new VaultError(`Secret ${id} is not in the vault (deleted or never stored).`);
    const value = this.keyring.open(sealed);
    rememberSecretsIn(value);
    return value;
  }

  async update(id: string, value: string, executor: Executor = this.db): Promise<void> {
    rememberSecretsIn(value);
    const sealed = this.keyring.seal(value);
    if (this.backend === 'supabase_vault') {
      await sql`select vault.update_secret(${id}::uuid, ${sealed})`.execute(executor);
      return;
    }
    const r = await executor
      .updateTable('thread_vault')
      .set({ secret: sealed, updated_at: new Date() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new VaultError(`Secret ${id} is not in the vault.`);
  }

  async delete(id: string, executor: Executor = this.db): Promise<void> {
    if (this.backend === 'supabase_vault') {
      await sql`delete from vault.secrets where id = ${id}::uuid`.execute(executor);
      return;
    }
    await executor.deleteFrom('thread_vault').where('id', '=', id).execute();
  }

  /** The UUIDs of every secret Thread keeps (for key rotation and checks). */
  async ids(): Promise<string[]> {
    return (await this.listSealed()).map((r) => r.id);
  }

  /**
   * Re-seals one secret under the current key, unless it already is. Throws SealError when no configured
   * key opens it. Callers lock the row that owns the secret first (see domain/connections/key-rotation),
   * so a token refresh never interleaves with the re-seal.
   */
  async reseal(id: string, executor: Executor = this.db): Promise<'current' | 'resealed'> {
    const sealed = await this.readSealed(id, executor);
    if (sealed === undefined) throw new VaultError(`Secret ${id} is not in the vault.`);
    if (this.keyring.kidOf(sealed) === this.keyring.currentKid) return 'current';
    await this.update(id, this.keyring.open(sealed), executor);
    return 'resealed';
  }

  /** Whether a configured key opens the secret (a missing secret counts as unreadable). */
  async canOpen(id: string, executor: Executor = this.db): Promise<boolean> {
    const sealed = await this.readSealed(id, executor);
    if (sealed === undefined) return false;
    try {
      this.keyring.open(sealed);
      return true;
    } catch {
      return false;
    }
  }

  private async readSealed(id: string, executor: Executor): Promise<string | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    if (this.backend === 'supabase_vault') {
      const r = await sql<{
        s: string;
      }>`select decrypted_secret as s from vault.decrypted_secrets where id = ${id}::uuid`.execute(executor);
      return r.rows[0]?.s;
    }
    const row = await executor
      .selectFrom('thread_vault')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.secret;
  }

  private async listSealed(): Promise<{ id: string; sealed: string }[]> {
    if (this.backend === 'supabase_vault') {
      const r = await sql<{ id: string; sealed: string }>`select id::text as id, decrypted_secret as sealed
        from vault.decrypted_secrets where name like 'thread/%'`.execute(this.db);
      return r.rows;
    }
    return this.db.selectFrom('thread_vault').select(['id', 'secret as sealed']).execute();
  }
}

async function detectBackend(db: Kysely<DB>): Promise<VaultBackend> {
  const r = await sql<{
    fn: string | null;
  }>`select to_regprocedure('vault.create_secret(text,text,text,uuid)')::text as fn`.execute(db);
  return r.rows[0]?.fn ? 'supabase_vault' : 'local';
}

/**
 * The keyring from configuration. With no THREAD_ENCRYPTION_KEY (embedded mode only — config refuses it
 * with DATABASE_URL) a key is generated once into the data folder, readable by the owner only.
 */
export function loadKeyring(options: {
  encryptionKey?: string;
  previousEncryptionKeys?: string[];
  dataDir: string;
  onGenerated?: (file: string) => void;
}): Keyring {
  let key = options.encryptionKey;
  if (!key) {
    const file = path.resolve(options.dataDir, 'encryption.key');
    if (existsSync(file)) {
      key = readFileSync(file, 'utf8').trim();
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      key = generateKey();
      writeFileSync(file, `${key}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      options.onGenerated?.(file);
    }
  }
  rememberSecretsIn(key);
  return createKeyring(key, options.previousEncryptionKeys ?? []);
}
