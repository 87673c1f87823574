/**
 * Salesforce through the real jsforce against the emulator: the org's instance URL taken from the token
 * response, identity by SOQL, org limits as the test call, and error mapping — including that jsforce's
 * own retries are off (a 500 answers at once instead of after ~15 s of backoff).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../src/providers/salesforce/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure, closedPortUrl } from '../emulators/failures.js';
import { connectThroughOAuth } from '../emulators/oauth-dance.js';
import { type SalesforceEmulator, startSalesforceEmulator } from '../emulators/salesforce.js';

describe('salesforce provider', () => {
  let emulator: SalesforceEmulator;
  let ctx: ProviderApiContext;
  let tokens: Record<string, unknown>;

  beforeAll(async () => {
    emulator = await startSalesforceEmulator();
    tokens = await connectThroughOAuth(emulator, salesforce);
    const meta = Object.fromEntries(
      (salesforce.oauth.keepFromTokenResponse ?? []).map((k) => [k, tokens[k]] as const),
    );
    const apiUrl = salesforce.apiUrlFrom?.(meta) ?? salesforce.oauth.apiUrl;
    ctx = { accessToken: String(tokens.access_token), apiUrl, meta };
  });
  afterAll(() => emulator.close());

  it('gets Salesforce-shaped tokens: instance_url and id, no expires_in', () => {
    expect(tokens.instance_url).toBe(emulator.url);
    expect(tokens.id).toBe(`${emulator.url}/id/${emulator.org.id}/${emulator.org.userId}`);
    expect(tokens.expires_in).toBeUndefined();
    expect(ctx.apiUrl).toBe(emulator.url);
  });

  it('identifies the org by SOQL', async () => {
    const identity = await salesforce.identify(ctx);
    expect(identity.accountId).toBe('00D5e000000AbCdEAF');
    expect(identity.label).toBe(`Acme Corp (${new URL(emulator.url).host})`);
    expect(identity.meta?.instance_url).toBe(emulator.url);
  });

  it('reads org limits as its test call', async () => {
    const before = emulator.apiCalls;
    const sentence = await salesforce.testCall(ctx);
    expect(sentence).toBe(
      `Org limits OK: ${(15_000 - before - 1).toLocaleString('en-US')} of 15,000 daily API requests left`,
    );
  });

  it('maps provider faults to neutral codes, keeping Salesforce’s message', async () => {
    emulator.failNext('api', emulator.fault(403));
    const denied = await classifiedFailure(salesforce, () => salesforce.testCall(ctx));
    expect(denied.code).toBe('permission_denied');
    expect(denied.details.providerMessage).toBe('insufficient access rights on object id');

    emulator.failNext('api', emulator.fault(429, { retryAfter: 7 }));
    const limited = await classifiedFailure(salesforce, () => salesforce.testCall(ctx));
    expect(limited.code).toBe('rate_limited');
    expect(limited.details.retryAfterSeconds).toBe(7);

    // Spent daily allowance: Salesforce says 403 REQUEST_LIMIT_EXCEEDED, which is a rate limit.
    emulator.failNext('api', {
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('rate_limited');

    emulator.failNext('api', emulator.fault(500), emulator.fault(500));
    const started = Date.now();
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('temporary');
    expect(Date.now() - started).toBeLessThan(400);
    // Had jsforce retried, the first call would have used up the second 500.
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('temporary');
  });

  it('maps an unreachable instance to temporary', async () => {
    const dead = { ...ctx, apiUrl: await closedPortUrl() };
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(dead))).code).toBe('temporary');
  });

  it('maps invalid_grant from the token endpoint to grant_revoked', async () => {
    const res = await fetch(emulator.env.SALESFORCE_TOKEN_URL ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'not-a-live-token',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      }),
    });
    expect(res.status).toBe(400);
    const { SalesforceHttpError } = await import('../../src/providers/salesforce/client.js');
    const err = salesforce.classifyError(new SalesforceHttpError(400, {}, await res.json()));
    expect(err.code).toBe('grant_revoked');
  });

  it('treats a grant the provider revoked as an expired token (401 INVALID_SESSION_ID)', async () => {
    emulator.revokeAllGrants();
    const expired = await classifiedFailure(salesforce, () => salesforce.identify(ctx));
    expect(expired.code).toBe('token_expired');
    expect(expired.details.status).toBe(401);
    expect(expired.details.providerMessage).toBe('Session expired or invalid');
  });
});
