/**
 * 1,000 posts over 50 channels, under the Slack emulator's per-channel limit, with the Thread process
 * killed (SIGKILL: no shutdown, no cleanup) part-way and started again: every post reaches Slack exactly
 * once. The posts are stored the way a broadcast stores them, by another process sharing the database.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/app/db.js';
import { waitUntil } from '../helpers/app.js';
import { randomKey, useThreadProcesses } from '../helpers/process.js';
import { storePosts } from '../helpers/stored-posts.js';
import { freshDatabaseUrl } from '../helpers/test-database.js';

const procs = useThreadProcesses();
const POSTS = 1000;
const CHANNELS = 50;

describe('deliveries across a kill -9', () => {
  it('1,000 posts over 50 channels: killed part-way, restarted, each posted exactly once', async () => {
    const databaseUrl = await freshDatabaseUrl();
    const env = { DATABASE_URL: databaseUrl, THREAD_ENCRYPTION_KEY: randomKey(), LOG_LEVEL: 'warn' };
    const first = await procs.start({ via: 'node', env });
    await procs.ready(first);

    const requests = Array.from({ length: POSTS }, (_, i) => ({
      teamId: procs.slack.teamId,
      channel: `C0CRASH${String(i % CHANNELS).padStart(2, '0')}`,
      key: `crash:${i}`,
      message: { text: `Update ${i}` },
    }));
    expect(await storePosts(databaseUrl, requests)).toBe(POSTS);
    const database = await openDatabase({ databaseUrl });
    try {
      const posted = () => [...procs.slack.messages.values()].flat();

      await waitUntil(() => posted().length >= 300, '300 posts', 60_000);
      // The kill lands in the worst moment: a post Slack is taking (it keeps it) whose answer Thread
      // never reads, so its row still says pending when the process is gone.
      const calls = () => procs.slack.callsTo('chat.postMessage').length;
      procs.slack.slowNext('chat.postMessage', 1000);
      const before = calls();
      await waitUntil(() => calls() > before, 'a post in flight', 10_000);
      first.child.kill('SIGKILL');
      await first.exited;
      await new Promise((r) => setTimeout(r, 1200)); // Slack finishes taking that post
      const atKill = posted().length;
      expect(atKill).toBeLessThan(POSTS);

      const second = await procs.start({ via: 'node', env });
      await procs.ready(second);
      await waitUntil(
        async () => {
          const r = await database.db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('status', '=', 'delivered')
            .executeTakeFirstOrThrow();
          return Number(r.n) === POSTS;
        },
        'every post delivered after the restart',
        150_000,
      );
      const keys = posted().map((m) => String(m.metadata?.event_payload.key));
      expect(new Set(keys).size).toBe(POSTS); // nothing lost
      expect(keys).toHaveLength(POSTS); // nothing twice
      // Each row holds the ts of its one message.
      const rows = await database.db.selectFrom('deliveries').select(['key', 'slack_ts']).execute();
      const tsOf = new Map(posted().map((m) => [String(m.metadata?.event_payload.key), m.ts]));
      for (const r of rows) expect(r.slack_ts).toBe(tsOf.get(r.key));
      console.log(`killed after ${atKill} of ${POSTS} posts; all ${POSTS} delivered once after the restart`);
    } finally {
      await database.close();
    }
  }, 240_000);
});
