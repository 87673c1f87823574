/**
 * Thread as a process, failing to start: bad folders, a taken port, a bot token Slack rejects — and Slack
 * unreachable, which is not a failure. Each test runs the compiled app with its own embedded PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.js';
import { postmastersOn, scratchDataDir, useThreadProcesses } from '../helpers/process.js';

const procs = useThreadProcesses();
const { start, ready } = procs;

describe('start failures are one plain line', () => {
  it('a data folder Thread cannot write', async () => {
    const parent = path.dirname(scratchDataDir());
    const locked = path.join(parent, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    // As root nothing is unwritable, so the app runs as `nobody` there, as a service user would.
    const asNobody =
      process.getuid?.() === 0
        ? {
            uid: Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim()),
            gid: Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim()),
          }
        : {};
    const p = await start({ via: 'node', dataDir: path.join(locked, 'data'), ...asNobody });
    const exit = await p.exited;
    expect(exit.code).toBe(1);
    expect(p.stderr()).toMatch(/^Thread cannot write its embedded database to .*permission denied/m);
    expect(p.stderr()).not.toContain('Thread cannot start: Thread');
    expect(p.stderr()).toContain('permission denied');
    expect(p.stderr()).not.toMatch(/\n\s+at /);
  });

  it('a data folder that is a file', async () => {
    const parent = path.dirname(scratchDataDir());
    mkdirSync(parent, { recursive: true });
    const file = path.join(parent, 'not-a-folder');
    writeFileSync(file, 'x');
    const p = await start({ via: 'node', dataDir: file });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain('is not a folder');
  });

  it('the HTTP port taken', async () => {
    const port = await freePort();
    const squatter = createServer().listen(port, '0.0.0.0');
    try {
      const p = await start({ via: 'node', env: { PORT: String(port) } });
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      expect(p.stderr()).toContain(`port ${port} is already in use`);
      expect(p.stderr()).not.toMatch(/\n\s+at /);
      expect(postmastersOn(p.dataDir)).toEqual([]); // the embedded server was stopped on the way out
    } finally {
      squatter.close();
    }
  });

  it('a bot token Slack rejects: the variable, where to get a new one, exit 1', async () => {
    const p = await start({ via: 'node' }, 'xoxb-revoked-0000');
    const exit = await p.exited;
    expect(exit.code).toBe(1);
    expect(p.stderr()).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(p.stderr()).toContain('OAuth & Permissions');
    expect(p.stderr()).not.toMatch(/\n\s+at /);
    expect(p.stdout()).not.toContain('Thread is running');
    expect(postmastersOn(p.dataDir)).toEqual([]);
  });

  it('Slack unreachable at start: keeps serving, says so once, retries', async () => {
    const closed = await freePort();
    const p = await start({ via: 'node' }, undefined, `http://127.0.0.1:${closed}/api/`);
    await ready(p);
    const said = () => p.logs().filter((l) => String(l.msg).includes('Slack is unreachable at'));
    await p.waitFor('the unreachable notice', () => said().length > 0);
    expect(said()[0]?.msg).toContain(`http://127.0.0.1:${closed}/api/`);
    expect(said()[0]?.msg).toContain('SLACK_API_URL');
    await new Promise((r) => setTimeout(r, 2500)); // retries go on, quietly
    expect(said()).toHaveLength(1);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});
