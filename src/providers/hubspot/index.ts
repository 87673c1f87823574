/**
 * HubSpot: deals in, progress written back. Identity comes from the token-info endpoint, which also says
 * which scopes were really granted (HubSpot's token response does not).
 */
import { classifyHttp } from '../errors.js';
import type { ProviderDefinition } from '../types.js';
import { hubspotClient } from './client.js';
import { hubspotDeals } from './deals.js';
import { classifyHubSpotError } from './errors.js';
import { hubspotCatalog } from './pipelines.js';
import { pollHubSpotDeals } from './poll.js';
import { hubspotWriteBack } from './write-back.js';

export const hubspot: ProviderDefinition = {
  id: 'hubspot',
  name: 'HubSpot',
  purpose: 'Start onboarding when a deal is Closed Won, and write progress back to the deal.',
  capabilities: ['triggers', 'two_way_sync'],
  availability: 'oauth',
  envPrefix: 'HUBSPOT',
  oauth: {
    authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
    // v1 is deprecated from 2027-02-16 (v3 takes the same body params); v1 is what the SDK's helper uses.
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    // Not RFC 7009: revoke() below DELETEs `${revokeUrl}/<refresh token>`.
    revokeUrl: 'https://api.hubapi.com/oauth/v1/refresh-tokens',
    apiUrl: 'https://api.hubapi.com',
    scopes: [
      'crm.objects.deals.read',
      'crm.objects.deals.write',
      'crm.objects.companies.read',
      'crm.objects.companies.write',
      'crm.objects.contacts.read',
      // The deal owner's name and email: the AE the handoff asks for the completed handoff.
      'crm.objects.owners.read',
      // Creates Thread's own deal properties (thread_onboarding_stage, thread_csm) on first write-back.
      'crm.schemas.deals.write',
      'oauth',
    ],
    scopeSeparator: ' ',
    // The token response says nothing of scopes we read; identify() reads the grant from the token-info
    // endpoint (`GET /oauth/v1/access-tokens/:token` → `scopes`), which lists names exactly as asked.
    scopeRules: {},
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: true,
  },

  async identify(ctx) {
    const info = await (await hubspotClient(ctx)).oauth.accessTokensApi.get(ctx.accessToken);
    const portal = String(info.hubId);
    return {
      accountId: portal,
      label: info.hubDomain ? `${info.hubDomain} (portal ${portal})` : `Portal ${portal}`,
      meta: { hub_id: info.hubId, hub_domain: info.hubDomain },
      grantedScopes: info.scopes,
    };
  },

  async testCall(ctx) {
    const page = await (await hubspotClient(ctx)).crm.deals.basicApi.getPage(1);
    const n = page.results.length;
    return n === 0 ? 'Deals are readable (none exist yet)' : `Read ${n} deal`;
  },

  async revoke({ tokens, revokeUrl }) {
    // Deleting the refresh token ends the grant; a lone access token dies by itself within 30 minutes.
    if (!tokens.refreshToken) return;
    const res = await fetch(`${revokeUrl.replace(/\/+$/, '')}/${encodeURIComponent(tokens.refreshToken)}`, {
      method: 'DELETE',
    });
    // 404: already gone, which is what we wanted.
    if (res.ok || res.status === 404) return;
    const json = res.headers.get('content-type')?.includes('json');
    const body: unknown = json ? await res.json().catch(() => undefined) : await res.text();
    throw classifyHttp({ status: res.status, headers: res.headers, body });
  },

  classifyError: classifyHubSpotError,

  deals: { ...hubspotDeals, poll: pollHubSpotDeals },
  writeBack: hubspotWriteBack,
  catalog: hubspotCatalog,
};
