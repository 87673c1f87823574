/**
 * Rotating the encryption key, as an operator does it: `npm run keys:rotate` (the compiled CLI, a real
 * process) against the database a running Thread uses; and what people see when the key no longer opens a
 * connection's tokens.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWS } from '../../src/views/ids.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { type ProviderEmulators, startProviderEmulators } from '../emulators/providers.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buildOnce } from '../helpers/process.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';
import { connectionRow, connectVia, dmsTo } from './helpers.js';

const key = () => randomBytes(32).toString('base64');
const homeText = (view: Record<string, unknown>) => blocksToText(view.blocks as unknown[]);

let emulators: ProviderEmulators;
let databaseUrl: string;
const apps: TestApp[] = [];

beforeAll(async () => {
  buildOnce();
  emulators = await startProviderEmulators();
  databaseUrl = await freshDatabaseUrl();
}, 120_000);
afterAll(async () => {
  for (const a of apps) await a.stop();
  await emulators.close();
});

async function thread(encryptionKey: string, previous: string[] = []) {
  const app = await startTestApp({
    databaseUrl,
    encryptionKey,
    env: { ...emulators.env, THREAD_PREVIOUS_ENCRYPTION_KEYS: previous.join(',') },
  });
  apps.push(app);
  return app;
}

function rotate(current: string, previous: string[]) {
  const r = spawnSync(process.execPath, ['dist/app/rotate-keys-cli.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_SIGNING_SECRET: 'x',
      SLACK_BOT_TOKEN: 'xoxb-cli',
      DATABASE_URL: databaseUrl,
      THREAD_ENCRYPTION_KEY: current,
      THREAD_PREVIOUS_ENCRYPTION_KEYS: previous.join(','),
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the encryption key', () => {
  const oldKey = key();
  const newKey = key();

  it('changed without the old one: Setup problem on the dashboard and in /thread status, never Connected', async () => {
    const first = await thread(oldKey);
    await connectVia(first, emulators.byId.hubspot!, 'hubspot');
    await connectVia(first, emulators.byId.notion!, 'notion');
    expect((await connectionRow(first, 'hubspot'))?.status).toBe('connected');
    await first.stop();
    apps.splice(apps.indexOf(first), 1);

    const second = await thread(newKey); // the old key is gone
    const home = homeText(await second.openHome());
    expect(home).toContain('HubSpot');
    expect(home).toContain('⚠️');
    expect(home).toContain('Setup problem');
    expect(home).toContain('THREAD_PREVIOUS_ENCRYPTION_KEYS');
    expect(home).not.toMatch(/HubSpot[^\n]*✅/);
    const status = JSON.stringify(await second.commandReply('status'));
    expect(status).toContain('Setup problem');
    expect((await connectionRow(second, 'hubspot'))?.error_code).toBe('tokens_unreadable');
    // Whoever connected it hears about it once.
    expect(dmsTo(second, 'UADMIN').filter((t) => t.includes('HubSpot'))).toHaveLength(1);
    await second.stop();
    apps.splice(apps.indexOf(second), 1);
  });

  it('keys:rotate with a wrong previous key: nothing re-sealed, which connections, exit 1', async () => {
    const r = rotate(newKey, [key()]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Re-sealed 0 secret(s)');
    expect(r.out).toMatch(/Could not open \d+ secret\(s\)/);
    expect(r.out).toContain('HubSpot connection of workspace');
    expect(r.out).toContain('Notion connection of workspace');
    expect(r.out).toContain('Keep the old keys');
  });

  it('keys:rotate with the old key, while Thread runs: re-seals everything, twice is harmless, connections recover', async () => {
    const running = await thread(newKey, [oldKey]);
    const first = rotate(newKey, [oldKey]);
    expect(first.code, first.err).toBe(0);
    const resealed = Number(/Re-sealed (\d+)/.exec(first.out)?.[1]);
    expect(resealed).toBeGreaterThanOrEqual(2);
    expect(first.out).toContain('you can remove THREAD_PREVIOUS_ENCRYPTION_KEYS');
    const again = rotate(newKey, [oldKey]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Re-sealed 0 secret(s) under the current key`);
    expect(again.out).toContain(`${resealed} already were`);
    await running.stop();
    apps.splice(apps.indexOf(running), 1);

    // Only the new key from now on: every connection opens, and is Connected again.
    const after = await thread(newKey);
    const home = homeText(await after.openHome());
    expect(home).not.toContain('Setup problem');
    expect((await connectionRow(after, 'hubspot'))?.status).toBe('connected');
    expect(JSON.stringify(await after.commandReply('test hubspot'))).not.toContain('Setup problem');
  });

  it('Disconnect on a connection whose tokens cannot be opened says it could not revoke at the provider', async () => {
    const app = await thread(key()); // yet another key: nothing opens
    await app.openHome();
    const row = await connectionRow(app, 'notion');
    expect(row?.error_code).toBe('tokens_unreadable');
    const res = await app.viewSubmission(VIEWS.disconnectConfirm, 'notion');
    expect(res.status).toBe(200);
    // The Home the disconnect published carries the note.
    const note = await app.until(() => {
      const text = homeText(app.slack.homeOf('UADMIN') ?? { blocks: [] });
      return text.includes('is disconnected') ? text : undefined;
    }, 'the disconnect note');
    expect((await connectionRow(app, 'notion'))?.status).toBe('available');
    const home = note;
    expect(home).toContain('could not revoke');
    expect(home).toContain("Thread's encryption key no longer opens");
  });
});
