/**
 * Google Workspace: kickoff meetings from Google Calendar, handoff emails from Gmail.
 * Revocation is RFC 7009 (`POST token=…` to oauth2.googleapis.com/revoke), so the engine handles it.
 */
import type { ProviderDefinition } from '../types.js';
import { googleCalendar } from './calendar.js';
import { googleClients, userInfo } from './client.js';
import { classifyGoogleError } from './errors.js';
import { gmailMail } from './mail.js';

const WEEK_MS = 7 * 24 * 3600_000;
/** Enough to say "a few" or "many" without paging: this is a reachability check, not a sync. */
const SAMPLE = 20;

export const google: ProviderDefinition = {
  id: 'google',
  name: 'Google Workspace',
  purpose: 'Kickoff meetings from Google Calendar, handoff emails from Gmail.',
  capabilities: ['calendar', 'notifications'],
  availability: 'oauth',
  envPrefix: 'GOOGLE',
  oauth: {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    apiUrl: 'https://www.googleapis.com/',
    // drive.readonly is a restricted scope (security assessment): documents stay optional, not asked here.
    scopes: [
      'openid',
      'email',
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/gmail.send',
    ],
    scopeSeparator: ' ',
    // Google's token response lists the grant with short names expanded (`email` →
    // …/userinfo.email, `profile` → …/userinfo.profile; `openid` stays), in any order.
    // developers.google.com/identity/protocols/oauth2/scopes#oauth2 ("OAuth 2.0 API, v2").
    scopeRules: {
      aliases: {
        email: ['https://www.googleapis.com/auth/userinfo.email'],
        profile: ['https://www.googleapis.com/auth/userinfo.profile'],
      },
    },
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: true,
    // Without offline access there is no refresh token; without consent, a re-connect gets none either.
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
  },

  async identify(ctx) {
    const me = await userInfo(await googleClients(ctx));
    // `sub` is Google's stable account id; the email can change (renames, domain moves).
    return { accountId: me.sub, label: me.email ?? me.sub, meta: { email: me.email } };
  },

  async testCall(ctx) {
    const now = Date.now();
    const { data } = await (await googleClients(ctx)).calendar.events.list({
      calendarId: 'primary',
      timeMin: new Date(now).toISOString(),
      timeMax: new Date(now + WEEK_MS).toISOString(),
      singleEvents: true,
      maxResults: SAMPLE,
      fields: 'items(id),nextPageToken',
    });
    const count = `${data.items?.length ?? 0}${data.nextPageToken ? '+' : ''}`;
    return `Calendar reachable: ${count} ${count === '1' ? 'event' : 'events'} in the next 7 days`;
  },

  calendar: googleCalendar,
  mail: gmailMail,

  classifyError: classifyGoogleError,
};
