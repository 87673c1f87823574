/**
 * Gong provider against its emulator: fetch client on the per-company API base from the token response,
 * tokens from the OAuth dance (no PKCE, client credentials as HTTP Basic). Fault mapping, an unreachable
 * API and a revoked grant are in contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gong } from '../../src/providers/gong/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { type GongEmulator, startGongEmulator } from '../emulators/gong.js';
import { apiContextFrom, connectThroughOAuth, postToTokenEndpoint } from '../emulators/oauth-dance.js';

let emulator: GongEmulator;
let ctx: ProviderApiContext;

beforeAll(async () => {
  emulator = await startGongEmulator();
  ctx = apiContextFrom(emulator, gong, await connectThroughOAuth(emulator, gong));
});
afterAll(() => emulator.close());

describe('gong', () => {
  it('uses the per-company API base from the token response', () => {
    expect(gong.apiUrlFrom?.(ctx.meta)).toBe(emulator.url);
    expect(ctx.apiUrl).toBe(emulator.url);
  });

  it('identifies the company by its lowest workspace id, labelled with the workspace name', async () => {
    expect(await gong.identify(ctx)).toMatchObject({
      accountId: '1234567890123456',
      label: 'Acme Sales (+1 more workspaces)',
    });
  });

  it('test call counts the calls of the last 7 days', async () => {
    expect(await gong.testCall(ctx)).toBe('Calls API reachable: 3 calls in the last 7 days');
  });

  it("Gong's 404 for an empty range is zero calls, not an error", async () => {
    const saved = emulator.calls.splice(0);
    try {
      expect(await gong.testCall(ctx)).toBe('Calls API reachable: 0 calls in the last 7 days');
    } finally {
      emulator.calls.push(...saved);
    }
  });

  it('refresh tokens are single-use', async () => {
    const refreshToken = String((await connectThroughOAuth(emulator, gong)).refresh_token);
    const refresh = () =>
      postToTokenEndpoint(emulator, gong, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect((await refresh()).status).toBe(200);
    const again = await refresh();
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
