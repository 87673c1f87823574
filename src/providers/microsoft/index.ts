/**
 * Microsoft 365: kickoff meetings from Outlook Calendar, handoff emails from Outlook.
 * Microsoft has no token revocation endpoint (only `POST /me/revokeSignInSessions`, which signs the user
 * out everywhere): disconnecting forgets our tokens.
 */
import type { ProviderApiContext, ProviderDefinition } from '../types.js';
import { microsoftCalendar } from './calendar.js';
import { graphClient } from './client.js';
import { classifyMicrosoftError, isGraphError } from './errors.js';
import { outlookMail } from './mail.js';

const WEEK_MS = 7 * 24 * 3600_000;
/** Enough to say "a few" or "many" without paging: this is a reachability check, not a sync. */
const SAMPLE = 20;

interface GraphUser {
  id: string;
  displayName?: string;
  mail?: string | null;
  userPrincipalName?: string;
}

export const microsoft: ProviderDefinition = {
  id: 'microsoft',
  name: 'Microsoft 365',
  purpose: 'Kickoff meetings from Outlook Calendar, handoff emails from Outlook.',
  capabilities: ['calendar', 'notifications'],
  availability: 'oauth',
  envPrefix: 'MICROSOFT',
  oauth: {
    // `common`: work/school and personal accounts from any tenant (multi-tenant app).
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    apiUrl: 'https://graph.microsoft.com/',
    // Without offline_access there is no refresh token.
    scopes: ['offline_access', 'User.Read', 'Calendars.ReadWrite', 'Mail.Send'],
    scopeSeparator: ' ',
    // The v2 token response's `scope` names Graph permissions with the resource prefix, in any case
    // (`https://graph.microsoft.com/mail.send`), may add `openid profile email`, and never lists
    // `offline_access` — the refresh token is its proof. learn.microsoft.com/entra/identity-platform/
    // v2-oauth2-auth-code-flow ("Successful response") and …/scopes-oidc ("offline_access").
    scopeRules: {
      caseInsensitive: true,
      prefixes: ['https://graph.microsoft.com/'],
      unlisted: ['offline_access'],
    },
    // "scope: Required" on the refresh request (v2-oauth2-auth-code-flow, "Refresh the access token");
    // MSAL always sends it.
    scopeOnRefresh: true,
    clientAuth: 'body',
    tokenBody: 'form',
    pkce: true,
    // People often have several Microsoft accounts signed in: let them pick, not silently reuse one.
    extraAuthorizeParams: { prompt: 'select_account' },
  },

  async identify(ctx) {
    const client = await graphClient(ctx);
    const me: GraphUser = await client
      .api('/me')
      .select(['id', 'displayName', 'mail', 'userPrincipalName'])
      .get();
    const tenant = await organization(ctx);
    const email = me.mail ?? me.userPrincipalName ?? me.id;
    return {
      accountId: me.id,
      label: tenant?.displayName ? `${email} (${tenant.displayName})` : email,
      meta: { email, tenantId: tenant?.id, tenantName: tenant?.displayName },
    };
  },

  async testCall(ctx) {
    const now = Date.now();
    const page: { value: unknown[]; '@odata.nextLink'?: string } = await (await graphClient(ctx))
      .api('/me/calendarView')
      .query({
        startDateTime: new Date(now).toISOString(),
        endDateTime: new Date(now + WEEK_MS).toISOString(),
      })
      .select('id')
      .top(SAMPLE)
      .get();
    const count = `${page.value.length}${page['@odata.nextLink'] ? '+' : ''}`;
    return `Calendar reachable: ${count} ${count === '1' ? 'event' : 'events'} in the next 7 days`;
  },

  calendar: microsoftCalendar,
  mail: outlookMail,

  classifyError: classifyMicrosoftError,
};

/** The user's tenant (User.Read covers it). Personal accounts have none: Graph answers 403/404 there. */
async function organization(
  ctx: ProviderApiContext,
): Promise<{ id: string; displayName?: string } | undefined> {
  try {
    const res: { value: { id: string; displayName?: string }[] } = await (await graphClient(ctx))
      .api('/organization')
      .select(['id', 'displayName'])
      .get();
    return res.value[0];
  } catch (err) {
    if (isGraphError(err) && (err.statusCode === 403 || err.statusCode === 404)) return undefined;
    throw err;
  }
}
