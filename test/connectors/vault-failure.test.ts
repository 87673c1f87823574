/**
 * The vault write that persists a renewed token fails (disk full, a lost connection, a permission
 * revoked on the vault): the person must see that cause, not the "current transaction is aborted"
 * that the statements after it would produce in a transaction the database already gave up on.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { readTokens } from '../../src/domain/connections/tokens.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { connectionRow, connectVia, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();
const db = () => world.app.thread.services.db;

afterEach(async () => {
  await sql`drop trigger if exists thread_vault_full on thread_vault`.execute(db());
});

describe('a vault write that fails inside the refresh', () => {
  it('reports its own cause, and leaves the connection as it was', async () => {
    await connectVia(world.app, world.emulators.byId.hubspot!, 'hubspot');
    const row = (await connectionRow(world.app, 'hubspot'))!;
    const tokens = await readTokens(world.app.thread.services, row);
    await world.app.thread.services.vault.update(
      row.token_secret_id!,
      JSON.stringify({ ...tokens, expiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
    await sql`create or replace function thread_vault_full() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file: No space left on device'; end $$`.execute(db());
    await sql`create trigger thread_vault_full before update on thread_vault
      for each row execute function thread_vault_full()`.execute(db());

    const reply = blocksToText((await world.app.commandReply('test hubspot')).blocks as unknown[]);
    const logs = world.app.logs.join('\n');
    expect(reply).not.toContain('current transaction is aborted');
    expect(logs).not.toContain('current transaction is aborted');
    expect(logs).toContain('No space left on device');
    expect(reply).toContain('HubSpot test failed: Thread could not read or save its tokens.');
    expect(reply).toContain('on the Thread server, not the provider');
    expect(reply).not.toContain('HubSpot said');
    const after = await connectionRow(world.app, 'hubspot');
    expect(after?.refresh_attempts).toBe(row.refresh_attempts);
    expect(after?.token_secret_id).toBe(row.token_secret_id);
  });
});
