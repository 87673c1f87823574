/**
 * Token refresh under a stampede: concurrent getAccessToken() calls on an expired connection (200 in the
 * full run) must cost exactly one refresh request at the provider — anything else fails the run —
 *   (a) one app instance;
 *   (b) two app instances on one PostgreSQL database, half the calls each, concurrently.
 * Baseline in the same run: as many concurrent calls on a fresh (not expired) connection.
 *
 * In (b) both instances live in this process. So that instance B does not share instance A's in-process
 * single-flight map (a module-level Map in tokens.ts), B calls its own copy of the tokens module — as a
 * second process would — and the two meet only at the connection's row lock in Postgres.
 */
import type { Services } from '../src/app/services.js';
import * as tokensA from '../src/domain/connections/tokens.js';
import { expireTokens, tokensOfAnotherProcess } from '../test/connectors/helpers.js';
import { type ProviderEmulators, startProviderEmulators } from '../test/emulators/providers.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../test/helpers/app.js';
import { percentile } from './load.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';
import { connect } from './world.js';

type TokensModule = typeof tokensA;
type GetAccessToken = TokensModule['getAccessToken'];

const PROVIDER = 'hubspot';

interface Burst {
  latencies: number[];
  refreshes: number;
}

/** `callers` each fire their share of the calls at once; latency per call, refreshes counted at the provider. */
async function burst(
  emulators: ProviderEmulators,
  connectionId: string,
  callers: { services: Services; getAccessToken: GetAccessToken; calls: number }[],
): Promise<Burst> {
  const emulator = emulators.byId[PROVIDER]!;
  const before = emulator.tokenRequests.refresh_token;
  const latencies: number[] = [];
  const tokens = new Set<string>();
  await Promise.all(
    callers.flatMap((c) =>
      Array.from({ length: c.calls }, async () => {
        const t0 = performance.now();
        const { token } = await c.getAccessToken(c.services, connectionId);
        latencies.push(performance.now() - t0);
        tokens.add(token);
      }),
    ),
  );
  if (tokens.size !== 1) throw new Error(`the calls saw ${tokens.size} different access tokens`);
  return { latencies, refreshes: emulator.tokenRequests.refresh_token - before };
}

/** The burst's rows: refresh requests at the provider (exactly one, or the run fails), and latency. */
function rows(instances: string, expired: Burst, fresh: Burst, setup: string): Row[] {
  if (expired.refreshes !== 1 || fresh.refreshes !== 0) {
    throw new Error(
      `token refresh, ${instances}: ${expired.refreshes} refresh requests on the expired token (expected 1), ${fresh.refreshes} on the fresh one (expected 0)`,
    );
  }
  const calls = expired.latencies.length;
  const p = (b: Burst, q: number) => percentile(b.latencies, q);
  return [
    row(
      'refresh',
      `provider refresh requests, ${calls} callers, ${instances}`,
      { value: expired.refreshes, unit: 'request' },
      null,
      { goal: '= 1', ok: true, notes: `${setup}; on a fresh token the same calls made ${fresh.refreshes}` },
    ),
    row(
      'refresh',
      `expired-token call p99, ${instances}`,
      { value: p(expired, 99), unit: 'ms' },
      { label: 'fresh token', value: p(fresh, 99), unit: 'ms' },
      { notes: `p50 ${p(expired, 50).toFixed(1)} ms (fresh ${p(fresh, 50).toFixed(1)} ms)` },
    ),
  ];
}

/** Connects the provider through `app`, whose callback URL is registered first as in the provider's console. */
async function connectThrough(app: TestApp, emulators: ProviderEmulators): Promise<string> {
  emulators.byId[PROVIDER]!.registerRedirectUri(`${app.url}/oauth/${PROVIDER}/callback`);
  return connect(app, emulators, PROVIDER);
}

async function singleInstance(emulators: ProviderEmulators, calls: number): Promise<Row[]> {
  const app = await startTestApp({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    const id = await connectThrough(app, emulators);
    const callers = [{ services: app.thread.services, getAccessToken: tokensA.getAccessToken, calls }];
    await burst(emulators, id, callers); // warm-up (fresh)
    const fresh = await burst(emulators, id, callers);
    await expireTokens(app.thread.services, id);
    const expired = await burst(emulators, id, callers);
    return rows('1 instance', expired, fresh, 'concurrent getAccessToken() calls, one app');
  } finally {
    await app.stop();
  }
}

async function twoInstances(emulators: ProviderEmulators, calls: number): Promise<Row[]> {
  const { a, b, stop } = await startTwoTestApps({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    const tokensB = await tokensOfAnotherProcess();
    const id = await connectThrough(a, emulators);
    const half = Math.floor(calls / 2);
    const callers = [
      { services: a.thread.services, getAccessToken: tokensA.getAccessToken, calls: calls - half },
      { services: b.thread.services, getAccessToken: tokensB.getAccessToken, calls: half },
    ];
    await burst(emulators, id, callers); // warm-up (fresh)
    const fresh = await burst(emulators, id, callers);
    await expireTokens(a.thread.services, id);
    const expired = await burst(emulators, id, callers);
    return rows('2 instances', expired, fresh, 'two apps on one database, half the calls each');
  } finally {
    await stop();
  }
}

export async function benchTokenRefresh({ callers }: Sizes['refresh']): Promise<Row[]> {
  const emulators = await startProviderEmulators();
  try {
    return [...(await singleInstance(emulators, callers)), ...(await twoInstances(emulators, callers))];
  } finally {
    await emulators.close();
  }
}
