/**
 * Thread as a process: npm start and signals, a kill -9 and the restart after it, a stale postmaster.pid,
 * two Threads on one folder. Each test runs the compiled app with its own embedded PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../src/app/embedded/processes.js';
import { postmastersOn, useThreadProcesses } from '../helpers/process.js';

const procs = useThreadProcesses();
const { start, ready, openHome } = procs;

describe('npm start and signals', () => {
  it('SIGTERM to npm start: answers what is in flight, stops the embedded server, exits 0', async () => {
    const p = await start({ via: 'npm' });
    await ready(p);
    const postmaster = p.postmasterPid();
    expect(postmaster && isAlive(postmaster)).toBe(true);
    procs.slack.slowNext('views.publish', 1500);
    const before = procs.slack.callsTo('views.publish').length;
    expect((await openHome(p)).status).toBe(200); // acked; the dashboard publish is still running
    await new Promise((r) => setTimeout(r, 100));
    const signalledAt = Date.now();
    p.child.kill('SIGTERM'); // npm's own process, as a service manager would
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    const publish = procs.slack.callsTo('views.publish')[before];
    expect(publish?.answeredAt).toBeDefined(); // the in-flight work finished before the exit
    expect(isAlive(postmaster!)).toBe(false);
    expect(postmastersOn(p.dataDir)).toEqual([]);
  });

  it('Ctrl-C (SIGINT to the process group): the same, the server is not killed under it', async () => {
    const p = await start({ via: 'npm', detached: true });
    await ready(p);
    const postmaster = p.postmasterPid()!;
    procs.slack.slowNext('views.publish', 1500);
    const before = procs.slack.callsTo('views.publish').length;
    expect((await openHome(p)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(-p.child.pid!, 'SIGINT');
    // The terminal's SIGINT must not reach the database server: it stays up while Thread drains.
    await new Promise((r) => setTimeout(r, 500));
    expect(isAlive(postmaster)).toBe(true);
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(procs.slack.callsTo('views.publish')[before]?.answeredAt).toBeDefined();
    expect(p.logs().some((l) => String(l.msg).includes('slack listener failed'))).toBe(false);
    expect(postmastersOn(p.dataDir)).toEqual([]);
  });

  it('a second signal exits at once', async () => {
    const p = await start({ via: 'node' });
    await ready(p);
    procs.slack.slowNext('views.publish', 8000);
    await openHome(p);
    await new Promise((r) => setTimeout(r, 100));
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1200)); // a person pressing again, not npm forwarding the first
    const at = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    expect(exit.at - at).toBeLessThan(1000);
    expect(exit.code).not.toBe(0);
  });
});

describe('the embedded database across crashes', () => {
  it('kill -9 of Thread, then start again: ready, data intact, exactly one postmaster', async () => {
    const first = await start({ via: 'node' });
    await ready(first);
    const socket = path.join(first.dataDir, 'run');
    const client = new pg.Client({ host: socket, user: 'thread', database: 'thread' });
    await client.connect();
    await client.query('create table crash_marker (note text)');
    await client.query("insert into crash_marker values ('kept')");
    await client.end();
    const leftover = first.postmasterPid()!;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(leftover)).toBe(true); // the server outlives a kill -9: the next start must handle it

    const second = await start({ via: 'node', dataDir: first.dataDir, env: { PORT: String(first.port) } });
    await ready(second);
    expect(isAlive(leftover)).toBe(false);
    expect(postmastersOn(first.dataDir)).toHaveLength(1);
    const again = new pg.Client({ host: socket, user: 'thread', database: 'thread' });
    await again.connect();
    expect((await again.query('select note from crash_marker')).rows).toEqual([{ note: 'kept' }]);
    await again.end();
    expect(second.logs().some((l) => String(l.msg).includes('left running by an earlier Thread'))).toBe(true);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('a stale postmaster.pid naming a live process that is not our postgres: that process is left alone', async () => {
    const first = await start({ via: 'node' });
    await ready(first);
    first.child.kill('SIGTERM');
    await first.exited;
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(
        path.join(first.dataDir, 'postgres', 'postmaster.pid'),
        `${bystander.pid}\n${path.join(first.dataDir, 'postgres')}\n0\n5432\n\n\n`,
      );
      const second = await start({ via: 'node', dataDir: first.dataDir });
      await ready(second);
      expect(isAlive(bystander.pid!)).toBe(true);
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    } finally {
      bystander.kill();
    }
  });

  it('two Threads on one data folder: the second says so and exits 1', async () => {
    const first = await start({ via: 'node' });
    await ready(first);
    const second = await start({ via: 'node', dataDir: first.dataDir });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stderr()).toMatch(/another Thread \(PID \d+\) is already using the data folder/);
    expect(second.stderr()).not.toMatch(/\n\s+at /);
    expect(await first.healthz()).toBe(200);
  });
});
