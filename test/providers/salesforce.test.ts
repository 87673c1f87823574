/**
 * Salesforce through the real jsforce against the emulator: the org's instance URL taken from the token
 * response, identity by SOQL, org limits as the test call, and Salesforce's error quirks — including that
 * jsforce's own retries are off (a 500 answers at once instead of after ~15 s of backoff). The generic
 * fault mapping, an unreachable instance and the revoked grant's test call are in contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../src/providers/salesforce/index.js';
import type { ProviderApiContext } from '../../src/providers/types.js';
import { classifiedFailure } from '../emulators/failures.js';
import {
  apiContextFrom,
  authorizeAndConsent,
  connectThroughOAuth,
  postToTokenEndpoint,
} from '../emulators/oauth-dance.js';
import { type SalesforceEmulator, startSalesforceEmulator } from '../emulators/salesforce.js';

describe('salesforce provider', () => {
  let emulator: SalesforceEmulator;
  let ctx: ProviderApiContext;
  let tokens: Record<string, unknown>;

  beforeAll(async () => {
    emulator = await startSalesforceEmulator();
    tokens = await connectThroughOAuth(emulator, salesforce);
    ctx = apiContextFrom(emulator, salesforce, tokens);
  });
  afterAll(() => emulator.close());

  it('gets Salesforce-shaped tokens: instance_url and id, no expires_in', () => {
    expect(tokens.instance_url).toBe(emulator.url);
    expect(tokens.id).toBe(`${emulator.url}/id/${emulator.org.id}/${emulator.org.userId}`);
    expect(tokens.expires_in).toBeUndefined();
    expect(ctx.apiUrl).toBe(emulator.url);
  });

  it('a token request sent as JSON finds no grant_type: Salesforce’s "grant type not supported"', async () => {
    const { params } = await authorizeAndConsent(emulator, salesforce);
    const res = await postToTokenEndpoint(emulator, salesforce, params, { encoding: 'json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  it('no refresh token unless the refresh_token scope is granted', async () => {
    emulator.grantScopes(['api']);
    const tokens = await connectThroughOAuth(emulator, salesforce);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('api');
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

  it('maps Salesforce’s faults, keeping its message; a spent allowance is a rate limit', async () => {
    emulator.failNext('api', emulator.fault(403));
    const denied = await classifiedFailure(salesforce, () => salesforce.testCall(ctx));
    expect(denied.code).toBe('permission_denied');
    expect(denied.details.providerMessage).toBe('insufficient access rights on object id');

    // Spent daily allowance: Salesforce says 403 REQUEST_LIMIT_EXCEEDED, which is a rate limit.
    emulator.failNext('api', {
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('rate_limited');
  });

  it('jsforce’s own retries are off: a 500 answers at once', async () => {
    emulator.failNext('api', emulator.fault(500), emulator.fault(500));
    const started = Date.now();
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('temporary');
    expect(Date.now() - started).toBeLessThan(400);
    // Had jsforce retried, the first call would have used up the second 500.
    expect((await classifiedFailure(salesforce, () => salesforce.testCall(ctx))).code).toBe('temporary');
  });

  it('maps invalid_grant from the token endpoint to grant_revoked', async () => {
    const res = await postToTokenEndpoint(emulator, salesforce, {
      grant_type: 'refresh_token',
      refresh_token: 'not-a-live-token',
    });
    expect(res.status).toBe(400);
    const { SalesforceHttpError } = await import('../../src/providers/salesforce/errors.js');
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
