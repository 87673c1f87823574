/**
 * Where a run's rows are kept, with what they were measured on. Only a full run of every part writes
 * bench/results.json (committed: the README's table is one such run); a smoke or a run of some parts writes
 * its own git-ignored file beside it, so it never replaces the full run's figures.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sizes } from './sizes.js';
import type { Row } from './table.js';

export interface Results {
  machine: ReturnType<typeof machine>;
  run: {
    mode: 'full' | 'smoke' | 'parts';
    parts: string[];
    sizes: Sizes;
    /** Wall time of each part, in seconds. */
    seconds: Record<string, number>;
    /** Parts that stopped on a wrong result (a lost post, a second refresh, a view Slack refuses). */
    failures: { part: string; error: string }[];
  };
  rows: Row[];
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machine() {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain']);
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    /** At the start: how busy the machine already was (others' work shares these cores). */
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    commit: git(['rev-parse', '--short', 'HEAD']),
    /** Uncommitted changes in the checkout when the run started. */
    dirty: status === null ? null : status !== '',
  };
}

export function resultsFile(mode: Results['run']['mode']): string {
  return mode === 'full'
    ? 'bench/results.json'
    : `bench/results.${mode === 'smoke' ? 'smoke' : 'partial'}.json`;
}

/** Written in the checkout's own JSON style, so `npm run lint` passes with a fresh results file in place. */
export function writeResults(file: string, results: Results): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  execFileSync(path.join('node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
}
