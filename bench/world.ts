/**
 * The real app with every provider's emulator, each emulator knowing this app's callback URL (as a
 * developer registers it in the provider's console), and connecting a provider the way a person does.
 */
import { connectionRow, connectVia } from '../test/connectors/helpers.js';
import { type ProviderEmulators, startProviderEmulators } from '../test/emulators/providers.js';
import { startTestApp, type TestApp } from '../test/helpers/app.js';

export interface World {
  app: TestApp;
  emulators: ProviderEmulators;
  close(): Promise<void>;
}

export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const emulators = await startProviderEmulators();
  const app = await startTestApp({ env: { ...emulators.env, LOG_LEVEL: 'warn', ...env } });
  for (const [id, emulator] of Object.entries(emulators.byId)) {
    emulator.registerRedirectUri(`${app.url}/oauth/${id}/callback`);
  }
  return {
    app,
    emulators,
    close: async () => {
      try {
        await app.stop();
      } finally {
        await emulators.close();
      }
    },
  };
}

/** `/thread connect <provider>` → consent → callback; the connection's id once it is connected. */
export async function connect(app: TestApp, emulators: ProviderEmulators, provider: string): Promise<string> {
  const page = await connectVia(app, emulators.byId[provider]!, provider);
  if (page.status !== 200) throw new Error(`connecting ${provider} answered ${page.status}`);
  const connection = await connectionRow(app, provider);
  if (connection?.status !== 'connected') throw new Error(`${provider} did not connect`);
  return connection.id;
}
