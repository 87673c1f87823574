/**
 * Google's official clients, pointed at `ctx.apiUrl`. Each service needs its own `rootUrl`: the global
 * `google.options({ rootUrl })` does not redirect requests. SDK retries are off — retrying is the job
 * queue's decision, and gaxios' default would hide a 429 behind minutes of backoff.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { OAuth2Client } from 'google-auth-library';
import type { ProviderApiContext } from '../types.js';

export interface GoogleClients {
  calendar: calendar_v3.Calendar;
  /** Carries the access token; `auth.request` reaches endpoints no generated client covers (userinfo). */
  auth: OAuth2Client;
  rootUrl: string;
}

// The SDKs are loaded on first use: Thread starts and idles without them.
export async function googleClients(ctx: ProviderApiContext): Promise<GoogleClients> {
  const [{ calendar }, { OAuth2Client }] = await Promise.all([
    import('@googleapis/calendar'),
    import('google-auth-library'),
  ]);
  // No refresh token or client secret here: refreshing is the OAuth engine's job, so a 401 surfaces
  // instead of the library silently trying (and failing) to refresh on its own.
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: ctx.accessToken });
  const rootUrl = ctx.apiUrl.endsWith('/') ? ctx.apiUrl : `${ctx.apiUrl}/`;
  return { auth, rootUrl, calendar: calendar({ version: 'v3', auth, rootUrl, retry: false }) };
}

export interface GoogleUserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

/** OpenID Connect userinfo: what the `openid email` scopes grant, through the SDK's authorized transport. */
export async function userInfo(clients: GoogleClients): Promise<GoogleUserInfo> {
  const res = await clients.auth.request<GoogleUserInfo>({
    url: new URL('oauth2/v3/userinfo', clients.rootUrl).toString(),
    retry: false,
  });
  return res.data;
}
