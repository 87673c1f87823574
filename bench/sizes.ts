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

export const FULL: Sizes = {
  ack: { requests: 500, clients: 50, warmup: 50 },
  home: { accounts: 500, opens: 30 },
  refresh: { callers: 200 },
  triggers: { samples: 20, pollSamples: 10, batches: 30, batchSize: 100, inFlight: 3 },
  deliveries: { posts: 1000, channels: 50 },
  footprint: { idleMs: 10_000, installSize: true },
};

export const SMOKE: Sizes = {
  ack: { requests: 20, clients: 10, warmup: 5 },
  // Enough accounts that the viewer's own (a fifth) would overflow Slack's 100 blocks if the Home stopped
  // capping its lists: the check that matters here. Seeding them is a few batched inserts.
  home: { accounts: 500, opens: 3 },
  refresh: { callers: 20 },
  triggers: { samples: 2, pollSamples: 2, batches: 1, batchSize: 5, inFlight: 1 },
  deliveries: { posts: 10, channels: 2 },
  footprint: { idleMs: 2_000, installSize: false },
};
