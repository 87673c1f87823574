/**
 * The layout's rules (docs/ARCHITECTURE.md), kept by reading the import graph of src/: a rule broken here
 * is a design decision to make on purpose, not by drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Edge {
  from: string;
  to: string; // a path under src/ (no extension) or a package name
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const edges: Edge[] = files('src').flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) => ({
    from: file,
    to: spec.startsWith('.') ? path.join(path.dirname(file), spec).replace(/\.js$/, '') : spec,
  }));
});

const under = (prefix: string) => (p: string) => p.startsWith(prefix);
function violations(fromRule: (f: string) => boolean, toRule: (t: string) => boolean): string[] {
  return edges.filter((e) => fromRule(e.from) && toRule(e.to)).map((e) => `${e.from} → ${e.to}`);
}

describe('architecture', () => {
  it('reads the import graph (a sanity check on the parser)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: 'src/app/server.ts', to: 'src/app/jobs' });
  });

  it('only src/app/jobs.ts knows pg-boss; the domain and listeners send jobs through services.jobs', () => {
    expect(
      violations(
        (f) => f !== 'src/app/jobs.ts',
        (t) => t === 'pg-boss',
      ),
    ).toEqual([]);
  });

  it('the domain does not import listeners or the app wiring (only types, config and the vault)', () => {
    expect(violations(under('src/domain/'), under('src/listeners/'))).toEqual([]);
    expect(
      violations(under('src/domain/'), (t) =>
        ['src/app/server', 'src/app/http', 'src/app/main', 'src/app/jobs'].includes(t),
      ),
    ).toEqual([]);
  });

  it('nothing in src/providers touches the database, the domain or the listeners', () => {
    const forbidden = (t: string) =>
      t === 'kysely' ||
      t === 'pg' ||
      t === 'src/app/db' ||
      t === 'src/app/db-types' ||
      t === 'src/app/services' ||
      t.startsWith('src/domain/') ||
      t.startsWith('src/listeners/');
    expect(violations(under('src/providers/'), forbidden)).toEqual([]);
  });

  it('one listener does not import another (shared helpers live beside them, or in the domain)', () => {
    // A listener is a handler file inside a kind folder (commands/, actions/, events/, views/) or in http/
    // or jobs/; it may import its own kind's index and the group's helpers, not another handler.
    const kindOf = (p: string) =>
      /^src\/listeners\/(slack\/(commands|actions|events|views)|http|jobs)\//.exec(p)?.[1];
    const bad = edges.filter((e) => {
      const from = kindOf(e.from);
      const to = kindOf(`${e.to}.ts`);
      return from !== undefined && to !== undefined && from !== to;
    });
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('views are pure: no database rows, no domain, no listeners, no providers beyond their types', () => {
    const forbidden = (t: string) =>
      t === 'src/app/db-types' ||
      t === 'kysely' ||
      t.startsWith('src/domain/') ||
      t.startsWith('src/listeners/') ||
      t === 'src/app/services';
    expect(violations(under('src/views/'), forbidden)).toEqual([]);
  });

  it('src/app wires listeners only in server.ts', () => {
    expect(
      violations((f) => f.startsWith('src/app/') && f !== 'src/app/server.ts', under('src/listeners/')),
    ).toEqual([]);
  });
});
