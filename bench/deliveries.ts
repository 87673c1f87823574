/**
 * Deliveries (issue 9): 1,000 posts over 50 channels through the durable delivery queue, against the
 * Slack emulator's per-channel limit (about one message a second, 429 + Retry-After past a short burst).
 * The baseline is the limit's own theoretical minimum: 20 posts in a channel at one a second take 19 s
 * from the first to the last. Reported with lost (never posted) and duplicated (posted twice) counts,
 * from the messages the emulator holds (each carries its delivery key in its metadata).
 */
import { enqueueDeliveries } from '../src/domain/deliveries/deliveries.js';
import { startTestApp } from '../test/helpers/app.js';

const POSTS = 1000;
const CHANNELS = 50;

export interface DeliveryBench {
  seconds: number;
  minimum: number;
  lost: number;
  duplicated: number;
}

export async function benchDeliveries(posts = POSTS, channels = CHANNELS): Promise<DeliveryBench> {
  const app = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  try {
    const services = app.thread.services;
    // Round robin over the channels, as a broadcast or a burst of milestone updates would ask.
    const requests = Array.from({ length: posts }, (_, i) => ({
      teamId: app.teamId,
      channel: `C0BENCH${String(i % channels).padStart(3, '0')}`,
      key: `bench:${i}`,
      message: { text: `Update ${i}` },
    }));
    const started = Date.now();
    // Stored as a broadcast stores them: one batch.
    await enqueueDeliveries(services, requests);
    const enqueued = (Date.now() - started) / 1000;
    await app.until(
      async () => {
        const r = await services.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        return Number(r.n) === 0;
      },
      'every delivery settled',
      10 * 60_000,
    );
    const posted = [...app.slack.messages.values()].flat();
    const last = Math.max(...app.slack.callsTo('chat.postMessage').map((c) => c.answeredAt ?? c.at));
    const seconds = (last - started) / 1000;
    const keys = posted.map((m) => String(m.metadata?.event_payload.key));
    const unique = new Set(keys);
    const result = {
      seconds,
      minimum: Math.ceil(posts / channels) - 1,
      lost: requests.filter((r) => !unique.has(r.key)).length,
      duplicated: keys.length - unique.size,
    };
    console.log(`Deliveries — ${posts} posts over ${channels} channels, Slack's ~1 message/s per channel`);
    console.log(
      `  ${seconds.toFixed(2)} s (stored in ${enqueued.toFixed(2)} s); the limit's minimum ${result.minimum} s → ×${(seconds / result.minimum).toFixed(3)} (goal ≤ 1.1)`,
    );
    console.log(`  lost ${result.lost}, duplicated ${result.duplicated} (goal 0 and 0)`);
    return result;
  } finally {
    await app.stop();
  }
}
