/**
 * Thread as a real process with every provider's emulator, set up as an admin would — HubSpot and Google
 * connected, a CSM in the pool, a handoff channel — for the chaos tests that kill it or its database.
 */
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { completeConsent, linkFrom } from '../connectors/helpers.js';
import type { GoogleEmulator } from '../emulators/google.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import { type ProviderEmulators, startProviderEmulators } from '../emulators/providers.js';
import { randomKey, type ThreadProcess, useThreadProcesses } from '../helpers/process.js';
import { CHANNEL, type ClosingDeal, CSM, deliverWebhooks } from './handoffs.js';

/**
 * A free port below Linux's ephemeral range (32768 and up), where a busy machine's outgoing connections
 * take their local ports from: one that is free now is still free when Thread starts again after a kill.
 */
async function portToKeep(): Promise<number> {
  for (;;) {
    const port = 20_000 + randomInt(12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export function useThreadWorld() {
  const procs = useThreadProcesses();
  let emulators: ProviderEmulators | undefined;
  beforeAll(async () => {
    emulators = await startProviderEmulators();
  }, 60_000);
  afterAll(async () => {
    await emulators?.close();
  });
  const started = () => {
    if (!emulators) throw new Error('the emulators start in beforeAll');
    return emulators;
  };

  const world = {
    procs,
    get hubspot() {
      return started().byId.hubspot as HubSpotEmulator;
    },
    get google() {
      return started().byId.google as GoogleEmulator;
    },
    /**
     * The environment of a Thread on `databaseUrl`, pointed at the emulators. The port is fixed, so a
     * Thread started again with it has the same address (HubSpot signs the URL it was given).
     */
    async env(databaseUrl: string): Promise<Record<string, string>> {
      return {
        ...started().env,
        DATABASE_URL: databaseUrl,
        THREAD_ENCRYPTION_KEY: randomKey(),
        PORT: String(await portToKeep()),
        LOG_LEVEL: 'warn',
      };
    },
    /** Starts Thread and waits for /healthz 200. */
    async start(env: Record<string, string>): Promise<ThreadProcess> {
      const p = await procs.start({ via: 'node', env });
      await procs.ready(p);
      return p;
    },
    /** HubSpot and Google connected through their consent pages, a CSM in the pool, a handoff channel. */
    async setUp(p: ThreadProcess): Promise<void> {
      for (const [id, emulator] of [
        ['hubspot', world.hubspot],
        ['google', world.google],
      ] as const) {
        emulator.registerRedirectUri(`${p.url}/oauth/${id}/callback`);
        const page = await completeConsent(emulator, linkFrom(await procs.commandReply(p, `connect ${id}`)));
        expect(page.status).toBe(200);
      }
      expect(JSON.stringify(await procs.commandReply(p, `csm add <@${CSM}|mo.member>`))).toContain(
        'CSM pool',
      );
      await procs.commandReply(p, `handoff channel <#${CHANNEL}|cs-handoffs>`);
    },
    /** The deals' webhooks to `p`, as HubSpot delivers them (see deliverWebhooks). */
    webhooks(p: ThreadProcess, deals: readonly ClosingDeal[], gapMs: () => number): Promise<void> {
      return deliverWebhooks(`${p.url}/webhooks/hubspot`, {
        secret: started().env.HUBSPOT_CLIENT_SECRET!,
        portalId: world.hubspot.portal.id,
        deals,
        gapMs,
      });
    },
  };
  return world;
}
