/**
 * Deliveries (issue 9): posts round robin over many channels (1,000 over 50 in the full run) through the
 * durable delivery queue, against the Slack emulator's per-channel limit (about one message a second, 429
 * + Retry-After past a short burst). The baseline is the limit's own theoretical minimum: 20 posts in a
 * channel at one a second take 19 s from the first to the last. None may be lost (never posted) or
 * duplicated (posted twice), counted from the messages the emulator holds (each carries its delivery key
 * in its metadata); either fails the run.
 */
import { enqueueDeliveries } from '../src/domain/deliveries/deliveries.js';
import { startTestApp } from '../test/helpers/app.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';

export async function benchDeliveries({ posts, channels }: Sizes['deliveries']): Promise<Row[]> {
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
    const lost = requests.filter((r) => !unique.has(r.key)).length;
    const duplicated = keys.length - unique.size;
    if (lost || duplicated) throw new Error(`${lost} lost and ${duplicated} duplicated of ${posts} posts`);
    const minimum = Math.ceil(posts / channels) - 1;
    const ratio = seconds / minimum;
    return [
      row(
        'deliveries',
        `${posts} posts over ${channels} channels, until the last is posted`,
        { value: seconds, unit: 's' },
        { label: "rate limit's minimum", value: minimum, unit: 's' },
        {
          goal: '≤ ×1.1',
          ok: ratio <= 1.1,
          notes: `Slack's ~1 message/s per channel; stored in ${enqueued.toFixed(2)} s; 0 lost, 0 duplicated`,
        },
      ),
    ];
  } finally {
    await app.stop();
  }
}
