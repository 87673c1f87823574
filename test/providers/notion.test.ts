/**
 * Notion through the real @notionhq/client against the emulator: the workspace as identity, shared pages
 * as the test call, Notion's own error words, and revocation (JSON + Basic, via the SDK). Fault mapping
 * for every fault class, an unreachable API and the revoked grant's test call are in contract.test.ts.
 */
import { Client, LogLevel } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notion } from '../../src/providers/notion/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure } from '../emulators/failures.js';
import { type NotionEmulator, startNotionEmulator } from '../emulators/notion.js';
import { apiContextFrom, connectThroughOAuth, tryAuthorize } from '../emulators/oauth-dance.js';

describe('notion provider', () => {
  let emulator: NotionEmulator;
  let ctx: ProviderApiContext;
  let tokens: Record<string, unknown>;

  const connect = async () => {
    tokens = await connectThroughOAuth(emulator, notion);
    ctx = apiContextFrom(emulator, notion, tokens);
  };

  beforeAll(async () => {
    emulator = await startNotionEmulator();
    await connect();
  });
  afterAll(() => emulator.close());

  it('gets Notion-shaped tokens describing the workspace', () => {
    expect(tokens.workspace_id).toBe(emulator.workspace.id);
    expect(tokens.workspace_name).toBe('Acme HQ');
    expect(tokens.bot_id).toBe(emulator.workspace.botId);
    expect(typeof tokens.refresh_token).toBe('string');
  });

  it('refuses an authorize request without owner=user', async () => {
    expect(await tryAuthorize(emulator, notion, { owner: null })).toMatchObject({ error: 'invalid_request' });
  });

  it('identifies the workspace through the bot user', async () => {
    const identity = await notion.identify(ctx);
    expect(identity.accountId).toBe(emulator.workspace.id);
    expect(identity.label).toBe('Acme HQ workspace');
    expect(identity.meta?.bot_id).toBe(emulator.workspace.botId);
  });

  it('counts what was shared with it as its test call', async () => {
    await expect(notion.testCall(ctx)).resolves.toBe('2 shared pages or databases visible');
  });

  it('keeps Notion’s own words for a restricted resource', async () => {
    emulator.failNext('api', emulator.fault(403));
    const denied = await classifiedFailure(notion, () => notion.testCall(ctx));
    expect(denied.code).toBe('permission_denied');
    expect(denied.details.providerMessage).toBe('Insufficient permissions for this endpoint.');
  });

  it('maps a dead refresh token (invalid_grant) to grant_revoked', async () => {
    const oauth = new Client({ baseUrl: ctx.apiUrl, retry: false, logLevel: LogLevel.ERROR }).oauth;
    const dead = () =>
      oauth.token({
        grant_type: 'refresh_token',
        refresh_token: 'rt_dead',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      });
    expect((await classifiedFailure(notion, dead)).code).toBe('grant_revoked');
  });

  it('revokes with JSON + Basic through the SDK, which ends the grant', async () => {
    await notion.revoke!({
      tokens: { accessToken: ctx.accessToken },
      revokeUrl: emulator.env.NOTION_REVOKE_URL ?? '',
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    });
    expect(emulator.revocations).toContain(ctx.accessToken);
    expect((await classifiedFailure(notion, () => notion.testCall(ctx))).code).toBe('token_expired');
    await connect();
  });

  it('treats a grant the provider revoked as an expired token (401 unauthorized)', async () => {
    emulator.revokeAllGrants();
    const expired = await classifiedFailure(notion, () => notion.identify(ctx));
    expect(expired.code).toBe('token_expired');
    expect(expired.details.status).toBe(401);
    expect(expired.details.providerMessage).toBe('API token is invalid.');
  });
});
