/**
 * For every provider, through the real world.app, the real SDK and the provider's emulator:
 * slash command → link → consent → callback (a replay refused) → Connected on the dashboard → Test →
 * forced refreshes (the rotated refresh token persisted, the old one refused where the provider rotates)
 * → provider revokes the grant → Error + DM → Reconnect → Connected + DM, and refreshable again →
 * Disconnect → Available, the grant ended at the provider where it can be. Then: no token value in any
 * log line or any table.
 */
import { describe, expect, it } from 'vitest';
import { getAccessToken, readTokens } from '../../src/domain/connections/tokens.js';
import { refreshParams } from '../../src/providers/oauth/token-endpoint.js';
import { getProviderDefinition } from '../../src/providers/registry.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { postToTokenEndpoint } from '../emulators/oauth-dance.js';
import type { ProviderEmulator } from '../emulators/provider-emulator.js';
import { DOCUMENTED_ROTATION } from '../emulators/providers.js';
import { dumpAllTables } from '../helpers/table-dump.js';
import { connectionRow, connectVia, dmsTo, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();

const PROVIDERS = ['hubspot', 'salesforce', 'notion', 'google', 'microsoft', 'gong', 'zoom'] as const;
const NAMES: Record<string, string> = {
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  notion: 'Notion',
  google: 'Google Workspace',
  microsoft: 'Microsoft 365',
  gong: 'Gong',
  zoom: 'Zoom',
};

/** Whether the provider still honours a refresh token, asked the provider's way. */
async function providerAccepts(emulator: ProviderEmulator, provider: string, refreshToken: string) {
  const def = getProviderDefinition(provider);
  return (await postToTokenEndpoint(emulator, def, refreshParams(def, refreshToken))).ok;
}

describe.each(PROVIDERS)('%s, the whole life of a connection', (provider) => {
  it('connects, tests, refreshes, breaks, recovers and disconnects', async () => {
    const emulator = world.emulators.byId[provider]!;
    const name = NAMES[provider]!;
    const services = world.app.thread.services;

    // Connect.
    const page = await connectVia(world.app, emulator, provider);
    expect(page.html).toContain(`${name} is connected`);
    expect(page.status).toBe(200);
    // The same callback again (a reload, a leaked URL): the state is spent, no second code exchange.
    const exchanges = emulator.tokenRequests.authorization_code;
    const replay = await fetch(page.callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This link was already used');
    expect(emulator.tokenRequests.authorization_code).toBe(exchanges);
    let row = await connectionRow(world.app, provider);
    expect(row?.status).toBe('connected');
    expect(row?.external_account_label).toBeTruthy();
    expect(row?.token_secret_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(dmsTo(world.app, 'UADMIN').some((t) => t.includes(`*${name}* connected ✅`))).toBe(true);
    const home = blocksToText(world.app.slack.homeOf('UADMIN')!.blocks as unknown[]);
    expect(home).toMatch(new RegExp(`${name}( \\(Beta\\))? {3}✅ Connected`));

    // Test.
    const test = blocksToText((await world.app.commandReply(`test ${provider}`)).blocks as unknown[]);
    expect(test).toMatch(new RegExp(`✅ ${name} test passed in \\d+ ms`));

    // Forced refresh: a new access token; a rotated refresh token is stored, the old one is refused
    // where the provider rotates; a second refresh works from what was stored.
    const before = await readTokens(services, row!);
    const refreshesBefore = emulator.tokenRequests.refresh_token;
    await getAccessToken(services, row!.id, { force: true });
    expect(emulator.tokenRequests.refresh_token).toBe(refreshesBefore + 1);
    const after = await readTokens(services, (await connectionRow(world.app, provider))!);
    expect(after.accessToken).not.toBe(before.accessToken);
    const rotation = DOCUMENTED_ROTATION[provider];
    if (rotation === 'kept') {
      expect(after.refreshToken).toBe(before.refreshToken);
    } else {
      expect(after.refreshToken).toEqual(expect.any(String));
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(await providerAccepts(emulator, provider, before.refreshToken!)).toBe(rotation !== 'rotated');
    }
    await getAccessToken(services, row!.id, { force: true });
    expect((await connectionRow(world.app, provider))?.status).toBe('connected');
    const stored = await readTokens(services, (await connectionRow(world.app, provider))!);
    expect(stored.accessToken).not.toBe(after.accessToken);

    // The provider revokes the grant: the next call fails, the refresh is refused → Error + one DM.
    emulator.revokeAllGrants();
    const dmsBefore = dmsTo(world.app, 'UADMIN').length;
    const broken = blocksToText((await world.app.commandReply(`test ${provider}`)).blocks as unknown[]);
    expect(broken).toContain(`⚠️ ${name} test failed: Token expired. Reconnect to sign in again.`);
    row = await connectionRow(world.app, provider);
    expect(row?.status).toBe('error');
    expect(row?.error_code).toBe('grant_revoked');
    const dms = dmsTo(world.app, 'UADMIN').slice(dmsBefore);
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain(`${name}* needs attention: *Token expired*`);
    const tokenRequests = emulator.tokenRequests.refresh_token;
    const retried = blocksToText((await world.app.commandReply(`test ${provider}`)).blocks as unknown[]);
    expect(retried).toContain('Token expired'); // failing again: same answer, no second DM, no provider call
    expect(dmsTo(world.app, 'UADMIN').slice(dmsBefore)).toHaveLength(1);
    expect(emulator.tokenRequests.refresh_token).toBe(tokenRequests);
    const errorHome = blocksToText((await world.app.openHome('UADMIN')).blocks as unknown[]);
    expect(errorHome).toMatch(
      new RegExp(
        `${name}( \\(Beta\\))? {3}⚠️ Error[\\s\\S]*Token expired — Reconnect to sign in again\\.[\\s\\S]*\\[ Reconnect \\]`,
      ),
    );

    // Reconnect → Connected + DM.
    const again = await connectVia(world.app, emulator, provider, 'reconnect');
    expect(again.status).toBe(200);
    row = await connectionRow(world.app, provider);
    expect(row?.status).toBe('connected');
    expect(dmsTo(world.app, 'UADMIN').at(-1)).toContain(`*${name}* connected ✅`);
    // A reconnect must leave a refresh token too (Google sends one again only with prompt=consent).
    await getAccessToken(services, row!.id, { force: true });
    expect((await connectionRow(world.app, provider))?.status).toBe('connected');

    // Disconnect (the confirmation modal's submit) → Available, secret gone, revoked where possible.
    const last = await readTokens(services, (await connectionRow(world.app, provider))!);
    const revocationsBefore = emulator.revocations.length;
    const res = await world.app.viewSubmission('connector.disconnect_confirm', provider);
    expect(res.status).toBe(200);
    await world.app.until(
      async () => (await connectionRow(world.app, provider))?.status === 'available',
      'disconnect',
    );
    row = await connectionRow(world.app, provider);
    expect(row?.token_secret_id).toBeNull();
    const revokable = !['microsoft', 'gong'].includes(provider);
    expect(emulator.revocations.length).toBe(revocationsBefore + (revokable ? 1 : 0));
    // Revoked means the provider itself no longer honours the grant.
    if (revokable) expect(await providerAccepts(emulator, provider, last.refreshToken!)).toBe(false);
    await world.app.until(
      () => blocksToText(world.app.slack.homeOf('UADMIN')!.blocks as unknown[]).includes('is disconnected'),
      'home note',
    );
    const finalHome = blocksToText(world.app.slack.homeOf('UADMIN')!.blocks as unknown[]);
    expect(finalHome).toMatch(new RegExp(`${name}( \\(Beta\\))? {3}⚪ Available`));
  });
});

describe('after every provider went through its life', () => {
  it('no token value appears in any log line or any table', async () => {
    const secrets = world.emulators.issued();
    expect(secrets.length).toBeGreaterThan(40);
    const logs = world.app.logs.join('\n');
    const tables = await dumpAllTables(world.app.thread.services.database);
    for (const s of secrets) {
      expect(logs.includes(s), 'a token leaked into the logs').toBe(false);
      expect(tables.includes(s), 'a token is stored outside the vault ciphertext').toBe(false);
    }
  });
});
