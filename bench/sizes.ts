/**
 * How much each part does: the full run's sizes (the figures), and the smoke's — the same code on
 * sizes small enough for CI, where only "it still runs and still counts right" is checked.
 */
export interface Sizes {
  /** Signed `/thread help` requests, from this many clients at once; the warm-up is not measured. */
  ack: { requests: number; clients: number; warmup: number };
  /** Accounts seeded in the busy workspace; Home opens timed in each workspace. */
  home: { accounts: number; opens: number };
  /** Concurrent getAccessToken() calls (split between the instances in the two-instance case). */
  refresh: { callers: number };
  /** Webhook → handoff samples, poll → handoff samples; ingest batches of `batchSize`, `inFlight` at once. */
  triggers: { samples: number; pollSamples: number; batches: number; batchSize: number; inFlight: number };
  deliveries: { posts: number; channels: number };
  /** Idle time before memory is read; whether to weigh a clean production install (about a minute). */
  footprint: { idleMs: number; installSize: boolean };
}

/** Each size as [full run, smoke]: both written once, side by side, in the shape of `Sizes`. */
type FullAndSmoke<T> = { [P in keyof T]: { [K in keyof T[P]]: readonly [full: T[P][K], smoke: T[P][K]] } };

const SIZES: FullAndSmoke<Sizes> = {
  ack: { requests: [500, 20], clients: [50, 10], warmup: [50, 5] },
  // The smoke keeps the 500 accounts: the viewer's own (a fifth) would overflow Slack's 100 blocks if the
  // Home stopped capping its lists, the check that matters there. Seeding them is a few batched inserts.
  home: { accounts: [500, 500], opens: [30, 3] },
  refresh: { callers: [200, 20] },
  triggers: {
    samples: [20, 2],
    pollSamples: [10, 2],
    batches: [30, 1],
    batchSize: [100, 5],
    inFlight: [3, 1],
  },
  deliveries: { posts: [1000, 10], channels: [50, 2] },
  footprint: { idleMs: [10_000, 2_000], installSize: [true, false] },
};

/** One run's column of the table (Object.fromEntries forgets the keys `FullAndSmoke<Sizes>` checked). */
function sizesOf(run: 0 | 1): Sizes {
  const column = (part: Record<string, readonly [unknown, unknown]>) =>
    Object.fromEntries(Object.entries(part).map(([name, both]) => [name, both[run]]));
  return Object.fromEntries(
    Object.entries(SIZES).map(([part, both]) => [part, column(both)]),
  ) as unknown as Sizes;
}

export const FULL = sizesOf(0);
export const SMOKE = sizesOf(1);
