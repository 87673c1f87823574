/**
 * Seeds for chaos runs: CHAOS_SEED replays one run, otherwise CHAOS_RUNS (default 10) fresh seeds — a
 * failing run names its seed, and the same seed draws the same moments again.
 */
import { randomInt } from 'node:crypto';

export function chaosSeeds(env: NodeJS.ProcessEnv = process.env): number[] {
  if (env.CHAOS_SEED) return [Number(env.CHAOS_SEED)];
  const runs = Number(env.CHAOS_RUNS ?? 10);
  return Array.from({ length: runs }, () => randomInt(1, 2 ** 31));
}

/** mulberry32: a small PRNG with a 32-bit seed; returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
