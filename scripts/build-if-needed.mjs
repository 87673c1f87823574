#!/usr/bin/env node
// Builds dist/ from src/ when it is missing or older than the sources (`prepare` after npm install, and
// `prestart`), so `npm start` always runs current code with plain `node` — no compiler in the request path.
// Production images that install with --omit=dev build first (`npm ci && npm run build && npm prune
// --omit=dev`); without TypeScript this script then only checks that dist/ is there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'app', 'main.js');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(path.join(root, 'src')),
  ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map(
    (f) => statSync(path.join(root, f)).mtimeMs,
  ),
);
const fresh = existsSync(entry) && existsSync(stamp) && statSync(stamp).mtimeMs >= sources;
if (fresh) process.exit(0);

let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (existsSync(entry)) {
    process.stderr.write(
      'thread: dist/ is older than src/ and TypeScript is not installed; running the old build\n',
    );
    process.exit(0);
  }
  process.stderr.write('thread: dist/ is missing; run `npm install` (with dev dependencies) to build it\n');
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);
// tsc leaves the stamp untouched when nothing changed; touch it so the next check is cheap.
const now = new Date();
(await import('node:fs')).utimesSync(stamp, now, now);
