/**
 * Zoom (beta): kickoff meetings and recordings. User-level OAuth app; no official SDK: fetch.
 * Revocation is RFC 7009-style (`POST zoom.us/oauth/revoke`, client Basic auth), so the engine handles it.
 */
import { bearerJsonClient } from '../http-client.js';
import type { ProviderDefinition } from '../types.js';
import { classifyZoomError } from './errors.js';
import { zoomMeetings } from './meetings.js';

interface ZoomUser {
  id: string;
  account_id: string;
  email: string;
}

export const zoom: ProviderDefinition = {
  id: 'zoom',
  name: 'Zoom',
  purpose: 'Kickoff meetings and recordings from Zoom.',
  capabilities: ['calendar'],
  availability: 'oauth',
  badge: 'Beta',
  envPrefix: 'ZOOM',
  oauth: {
    authorizeUrl: 'https://zoom.us/oauth/authorize',
    tokenUrl: 'https://zoom.us/oauth/token',
    revokeUrl: 'https://zoom.us/oauth/revoke',
    apiUrl: 'https://api.zoom.us/v2',
    // Granular scopes; `user:read:user` is what GET /users/me needs (identify), beyond the meeting ones.
    scopes: ['meeting:write:meeting', 'meeting:read:meeting', 'user:read:user'],
    scopeSeparator: ',',
    // Zoom reports the grant in `scope`, space- or comma-separated (reportedScopes reads both), names
    // as asked.
    scopeRules: {},
    clientAuth: 'basic',
    tokenBody: 'form',
    pkce: true,
  },

  async identify(ctx) {
    const me = await bearerJsonClient(ctx).get<ZoomUser>('/users/me');
    // The Zoom account is what is connected; the user id says who connected it.
    return { accountId: me.account_id, label: me.email, meta: { userId: me.id, email: me.email } };
  },

  async testCall(ctx) {
    const page = await bearerJsonClient(ctx).get<{ total_records: number }>('/users/me/meetings', {
      type: 'upcoming',
      page_size: 30,
    });
    const n = page.total_records;
    return `Meetings API reachable: ${n} upcoming ${n === 1 ? 'meeting' : 'meetings'}`;
  },

  meetings: zoomMeetings,

  classifyError: classifyZoomError,
};
