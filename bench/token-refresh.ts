/**
 * Token refresh under a stampede: 200 concurrent getAccessToken() calls on an expired connection must
 * cost exactly one refresh request at the provider —
 *   (a) one app instance;
 *   (b) two app instances on one PostgreSQL database, 100 calls each, concurrently.
 * Baseline in the same run: 200 concurrent calls on a fresh (not expired) connection.
 *
 * In (b) both instances live in this process. So that instance B does not share instance A's in-process
 * single-flight map (a module-level Map in tokens.ts), B calls its own copy of the tokens module — as a
 * second process would — and the two meet only at the connection's row lock in Postgres.
 */
import type { Services } from '../src/app/services.js';
import * as tokensA from '../src/domain/connections/tokens.js';
import {
  connectionRow,
  connectVia,
  expireTokens,
  tokensOfAnotherProcess,
} from '../test/connectors/helpers.js';
import { type ProviderEmulators, startProviderEmulators } from '../test/emulators/providers.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../test/helpers/app.js';
import { fmt, percentile } from './load.js';

type TokensModule = typeof tokensA;
type GetAccessToken = TokensModule['getAccessToken'];

const CALLS = 200;
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

function report(label: string, expired: Burst, baseline: Burst): boolean {
  const p = (b: Burst, q: number) => percentile(b.latencies, q);
  const ok = expired.refreshes === 1 && baseline.refreshes === 0;
  console.log(`  ${label}`);
  console.log(
    `    expired  ${String(expired.latencies.length).padStart(3)} calls   refresh requests at provider: ${expired.refreshes} ${expired.refreshes === 1 ? '✓' : '✗ (expected 1)'}   p50 ${fmt(p(expired, 50)).padStart(10)}   p99 ${fmt(p(expired, 99)).padStart(10)}`,
  );
  console.log(
    `    fresh    ${String(baseline.latencies.length).padStart(3)} calls   refresh requests at provider: ${baseline.refreshes} ${baseline.refreshes === 0 ? '✓' : '✗ (expected 0)'}   p50 ${fmt(p(baseline, 50)).padStart(10)}   p99 ${fmt(p(baseline, 99)).padStart(10)}`,
  );
  console.log(
    `    ratio expired/fresh: p50 ×${(p(expired, 50) / p(baseline, 50)).toFixed(2)}, p99 ×${(p(expired, 99) / p(baseline, 99)).toFixed(2)}`,
  );
  return ok;
}

async function connect(app: TestApp, emulators: ProviderEmulators): Promise<string> {
  // As in the provider's developer console: each app instance's callback URL is registered.
  emulators.byId[PROVIDER]!.registerRedirectUri(`${app.url}/oauth/${PROVIDER}/callback`);
  const page = await connectVia(app, emulators.byId[PROVIDER]!, PROVIDER);
  if (page.status !== 200) throw new Error(`connecting ${PROVIDER} answered ${page.status}`);
  const row = await connectionRow(app, PROVIDER);
  if (row?.status !== 'connected') throw new Error(`${PROVIDER} did not connect`);
  return row.id;
}

async function singleInstance(emulators: ProviderEmulators): Promise<boolean> {
  const app = await startTestApp({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    const id = await connect(app, emulators);
    const callers = [{ services: app.thread.services, getAccessToken: tokensA.getAccessToken, calls: CALLS }];
    await burst(emulators, id, callers); // warm-up (fresh)
    const baseline = await burst(emulators, id, callers);
    await expireTokens(app.thread.services, id);
    const expired = await burst(emulators, id, callers);
    return report('(a) one instance', expired, baseline);
  } finally {
    await app.stop();
  }
}

async function twoInstances(emulators: ProviderEmulators): Promise<boolean> {
  const { a, b, stop } = await startTwoTestApps({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    const tokensB = await tokensOfAnotherProcess();
    const id = await connect(a, emulators);
    const callers = [
      { services: a.thread.services, getAccessToken: tokensA.getAccessToken, calls: CALLS / 2 },
      { services: b.thread.services, getAccessToken: tokensB.getAccessToken, calls: CALLS / 2 },
    ];
    await burst(emulators, id, callers); // warm-up (fresh)
    const baseline = await burst(emulators, id, callers);
    await expireTokens(a.thread.services, id);
    const expired = await burst(emulators, id, callers);
    return report('(b) two instances on one PostgreSQL, 100 calls each', expired, baseline);
  } finally {
    await stop();
  }
}

export async function benchTokenRefresh(): Promise<void> {
  console.log(`\nToken refresh single-flight — ${CALLS} concurrent getAccessToken() calls, ${PROVIDER}`);
  const emulators = await startProviderEmulators();
  let ok = true;
  try {
    ok = (await singleInstance(emulators)) && ok;
    ok = (await twoInstances(emulators)) && ok;
  } finally {
    await emulators.close();
  }
  if (!ok) throw new Error('token refresh: expected exactly one refresh request at the provider');
}
