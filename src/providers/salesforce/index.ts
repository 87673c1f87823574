/**
 * Salesforce: opportunities in, progress written back. Each org lives on its own instance, named by the
 * token response's `instance_url`; users pick production or sandbox sign-in at connect time.
 */
import type { ProviderDefinition } from '../types.js';
import { salesforceConnection } from './client.js';
import { salesforceDeals } from './deals.js';
import { classifySalesforceError } from './errors.js';
import { salesforceCatalog } from './stages.js';
import { salesforceWriteBack } from './write-back.js';

const login = (base: string, label: string) => ({
  label,
  authorizeUrl: `${base}/services/oauth2/authorize`,
  tokenUrl: `${base}/services/oauth2/token`,
  revokeUrl: `${base}/services/oauth2/revoke`,
});
const production = login('https://login.salesforce.com', 'Production');

const count = (n: number) => n.toLocaleString('en-US');

export const salesforce: ProviderDefinition = {
  id: 'salesforce',
  name: 'Salesforce',
  purpose: 'Start onboarding when an opportunity reaches a stage, and write progress back.',
  capabilities: ['triggers', 'two_way_sync'],
  availability: 'oauth',
  envPrefix: 'SALESFORCE',
  oauth: {
    authorizeUrl: production.authorizeUrl,
    tokenUrl: production.tokenUrl,
    // RFC 7009 form POST `token=`: the engine's default revocation fits, no revoke() here.
    revokeUrl: production.revokeUrl,
    // Only a fallback: the real API base is the org's instance_url (apiUrlFrom).
    apiUrl: 'https://login.salesforce.com',
    scopes: ['api', 'refresh_token'],
    scopeSeparator: ' ',
    // The token response's `scope` lists the granted names as asked (`refresh_token api`), in any order.
    scopeRules: {},
    clientAuth: 'body',
    tokenBody: 'form',
    // Orgs may require it; it is always accepted.
    pkce: true,
    // `id` is the identity URL (…/id/<org id>/<user id>); neither is secret.
    keepFromTokenResponse: ['instance_url', 'id'],
    environments: {
      production,
      sandbox: login('https://test.salesforce.com', 'Sandbox'),
    },
  },

  apiUrlFrom(meta) {
    return typeof meta.instance_url === 'string' ? meta.instance_url : undefined;
  },

  async identify(ctx) {
    const conn = await salesforceConnection(ctx);
    const result = await conn.query<{ Id: string; Name: string }>(
      'SELECT Id, Name FROM Organization LIMIT 1',
    );
    const org = result.records[0];
    if (!org) throw new Error('Salesforce returned no Organization record for this user.');
    return {
      accountId: org.Id,
      label: `${org.Name} (${new URL(conn.instanceUrl).host})`,
      meta: { org_id: org.Id, org_name: org.Name, instance_url: conn.instanceUrl },
    };
  },

  async testCall(ctx) {
    const limits = await (await salesforceConnection(ctx)).limits();
    const daily = limits.DailyApiRequests;
    if (!daily) return 'Org limits readable';
    return `Org limits OK: ${count(daily.Remaining)} of ${count(daily.Max)} daily API requests left`;
  },

  classifyError: classifySalesforceError,

  deals: salesforceDeals,
  writeBack: salesforceWriteBack,
  catalog: salesforceCatalog,
};
