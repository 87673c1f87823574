import { describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';

describe('graceful shutdown', () => {
  it('finishes in-flight work, then stops accepting and closes the database', async () => {
    const app = await startTestApp();
    app.slack.slowNext('views.publish', 400);
    const res = await app.event({ type: 'app_home_opened', user: 'UADMIN', channel: 'D1', tab: 'home' });
    expect(res.status).toBe(200); // acked before the slow publish
    await new Promise((r) => setTimeout(r, 50));
    await app.thread.stop();
    const stoppedAt = Date.now();
    // The dashboard publish that was in flight was answered before stop() resolved.
    const [publish] = app.slack.callsTo('views.publish');
    expect(publish?.answeredAt).toBeDefined();
    expect(publish!.answeredAt!).toBeLessThanOrEqual(stoppedAt);
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    await app.slack.close();
  });
});
