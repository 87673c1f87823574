/**
 * Gong: sales-call context for the assigned CSM. Tokens are company-wide; each company's API lives on
 * its own host, returned as `api_base_url_for_customer` in the token response. No official SDK: fetch.
 */
import { bearerJsonClient } from '../http-client.js';
import type { ProviderDefinition } from '../types.js';
import { gongCalls } from './calls.js';
import { classifyGongError, isNoCallsFound } from './errors.js';

const WEEK_MS = 7 * 24 * 3600_000;

interface Workspace {
  id: string;
  name: string;
}

export const gong: ProviderDefinition = {
  id: 'gong',
  name: 'Gong',
  purpose: 'Give the assigned CSM the sales-call context behind each new customer.',
  capabilities: ['sales_intelligence'],
  availability: 'oauth',
  envPrefix: 'GONG',
  oauth: {
    authorizeUrl: 'https://app.gong.io/oauth2/authorize',
    tokenUrl: 'https://app.gong.io/oauth2/generate-customer-token',
    // Revocation endpoint unconfirmed: none declared, so a disconnect forgets the (single-use) tokens.
    apiUrl: 'https://api.gong.io',
    scopes: ['api:calls:read:basic', 'api:calls:read:extensive'],
    scopeSeparator: ' ',
    // `scope` in the token response: what the Gong admin granted the integration, names as asked.
    scopeRules: {},
    clientAuth: 'basic',
    tokenBody: 'form',
    pkce: false,
    keepFromTokenResponse: ['api_base_url_for_customer'],
  },

  apiUrlFrom(meta) {
    const base = meta.api_base_url_for_customer;
    return typeof base === 'string' && base ? base : undefined;
  },

  async identify(ctx) {
    const { workspaces } = await bearerJsonClient(ctx).get<{ workspaces: Workspace[] }>('/v2/workspaces');
    // A company can have several workspaces; the lowest id is the stable pick (order is not promised).
    const sorted = [...workspaces].sort((a, b) => a.id.localeCompare(b.id));
    const first = sorted[0];
    if (!first) throw new Error('Gong returned no workspace for this company.');
    const more = sorted.length > 1 ? ` (+${sorted.length - 1} more workspaces)` : '';
    return {
      accountId: first.id,
      label: `${first.name}${more}`,
      meta: { workspaces: sorted.map((w) => ({ id: w.id, name: w.name })) },
    };
  },

  async testCall(ctx) {
    const now = Date.now();
    let total: number;
    try {
      const page = await bearerJsonClient(ctx).get<{ records: { totalRecords: number } }>('/v2/calls', {
        fromDateTime: new Date(now - WEEK_MS).toISOString(),
        toDateTime: new Date(now).toISOString(),
      });
      total = page.records.totalRecords;
    } catch (err) {
      if (!isNoCallsFound(err)) throw err;
      total = 0;
    }
    return `Calls API reachable: ${total} ${total === 1 ? 'call' : 'calls'} in the last 7 days`;
  },

  classifyError: classifyGongError,

  calls: gongCalls,
};
