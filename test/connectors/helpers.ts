/** Driving the connect flow like a person would: command → link → consent → callback page. */
import { afterAll, beforeAll } from 'vitest';
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

/** Follows our start link to the provider, consents there, and lands on our callback. */
export async function completeConsent(
  emulator: OAuthEmulator,
  link: string,
  choice: 'approve' | 'deny' = 'approve',
): Promise<{ status: number; html: string; callbackUrl: string }> {
  const start = await fetch(link, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const callbackUrl = await emulator.consent(start.headers.get('location')!, choice);
  const res = await fetch(callbackUrl, { redirect: 'manual' });
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
