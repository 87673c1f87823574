/** Driving the connect flow like a person would: command → link → consent → callback page. */
import { afterAll, beforeAll } from 'vitest';
import type { Services } from '../../src/app/services.js';
import type * as tokens from '../../src/domain/connections/tokens.js';
import { shownPages } from '../emulators/issued-secrets.js';
import type { OAuthEmulator } from '../emulators/oauth-provider.js';
import { type ProviderEmulators, startProviderEmulators } from '../emulators/providers.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

export function linkFrom(reply: Record<string, unknown>): string {
  const blocks = reply.blocks as { accessory?: { url?: string } }[];
  const url = blocks.find((b) => b.accessory?.url)?.accessory?.url;
  if (!url) throw new Error(`no link in ${JSON.stringify(reply).slice(0, 300)}`);
  return url;
}

/**
 * Follows our start link to the provider, consents there, and lands on our callback — on the instance at
 * `landOn` (an origin) if given: behind a load balancer the callback may reach another instance than the
 * one that made the link.
 */
export async function completeConsent(
  emulator: OAuthEmulator,
  link: string,
  choice: 'approve' | 'deny' = 'approve',
  landOn?: string,
): Promise<{ status: number; html: string; callbackUrl: string }> {
  const start = await fetch(link, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const callbackUrl = await emulator.consent(start.headers.get('location')!, choice);
  const { pathname, search } = new URL(callbackUrl);
  const res = await fetch(landOn ? `${landOn}${pathname}${search}` : callbackUrl, { redirect: 'manual' });
  const html = await res.text();
  shownPages.push(html);
  return { status: res.status, html, callbackUrl };
}

export async function connectVia(app: TestApp, emulator: OAuthEmulator, provider: string, verb = 'connect') {
  const reply = await app.commandReply(`${verb} ${provider}`);
  return completeConsent(emulator, linkFrom(reply));
}

export function dmsTo(app: TestApp, userId: string): string[] {
  return app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${userId}`)
    .map((c) => String(c.args.text));
}

export async function connectionRow(app: TestApp, provider: string) {
  return app.thread.services.db
    .selectFrom('connections')
    .selectAll()
    .where('team_id', '=', app.teamId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

export interface ConnectorWorld {
  app: TestApp;
  emulators: ProviderEmulators;
}

/**
 * The real app with every provider's emulator, started once for the test file that calls this; `env` adds
 * settings the emulators do not give (a webhook token, a metrics token).
 */
export function useConnectorWorld(env: Record<string, string> = {}): ConnectorWorld {
  const world = {} as ConnectorWorld;
  beforeAll(async () => {
    world.emulators = await startProviderEmulators();
    world.app = await startTestApp({ env: { ...world.emulators.env, ...env } });
    // As a developer does in each provider's console: the one redirect URI this Thread uses.
    for (const [id, emulator] of Object.entries(world.emulators.byId)) {
      emulator.registerRedirectUri(`${world.app.url}/oauth/${id}/callback`);
    }
  });
  afterAll(async () => {
    await world.app?.stop();
    await world.emulators?.close();
  });
  return world;
}

/** Makes the connection's access token expired, in its row and in the stored token set. */
export async function expireTokens(services: Services, connectionId: string): Promise<void> {
  const past = new Date(Date.now() - 60 * 60 * 1000);
  const row = await services.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow();
  if (!row.token_secret_id) throw new Error('the connection has no stored tokens');
  const stored = JSON.parse(await services.vault.get(row.token_secret_id)) as Record<string, unknown>;
  await services.vault.update(
    row.token_secret_id,
    JSON.stringify({ ...stored, expiresAt: past.toISOString() }),
  );
  await services.db
    .updateTable('connections')
    .set({ expires_at: past })
    .where('id', '=', connectionId)
    .execute();
}

/**
 * Another copy of tokens.ts, as a second process has: its own in-process single-flight map, so two
 * instances in one test process meet only where two processes would — the connection's row lock.
 */
export async function tokensOfAnotherProcess(): Promise<typeof tokens> {
  const specifier = '../../src/domain/connections/tokens.js?instance=b'; // a variable: tsc cannot resolve the query
  const copy = (await import(specifier)) as typeof tokens;
  const own = await import('../../src/domain/connections/tokens.js');
  if (copy.getAccessToken === own.getAccessToken) throw new Error('the copy of tokens.ts is the same module');
  return copy;
}
