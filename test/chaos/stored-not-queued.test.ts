/**
 * The narrowest moment a kill -9 can land in: after a row is stored, before its job is queued (pg-boss
 * keeps its own table, so the two are not one transaction). The kill test's random moments hit it rarely,
 * so here the dead process's leftovers are laid down as it would leave them — a webhook event, a handoff
 * run, a post, each without a job — and the next time each is asked for, it goes through, once.
 */
import { describe, expect, it } from 'vitest';
import { enqueueDelivery } from '../../src/domain/deliveries/deliveries.js';
import { recordTriggerEvents } from '../../src/domain/triggers/events.js';
import { hubspotEventKey, normalizeHubSpotEvent } from '../../src/providers/hubspot/webhook.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { closeDeal, db, handoffDone, useHandoffWorld } from '../workflows/handoff-world.js';
import { closingDeals, postsWithKey } from './handoffs.js';

const world = useHandoffWorld();
/** Long enough for a job that was queued to have run: nothing happens on its own. */
const QUIET_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const posts = (key: string) => postsWithKey(world.app.slack, key);

describe('stored by a process that died before queueing the job', () => {
  it("a webhook event: HubSpot's redelivery of it gets it processed, and the deal handed off", async () => {
    const [deal] = closingDeals(world.hubspot, 74_000, 1);
    const event = dealStageEvent(world.hubspot.portal.id, { dealId: Number(deal!.id) });
    await recordTriggerEvents(world.app.thread.services, [
      {
        teamId: world.app.teamId,
        provider: 'hubspot',
        eventId: hubspotEventKey(event),
        event: normalizeHubSpotEvent(event)!,
      },
    ]);
    await sleep(QUIET_MS);
    expect(await db(world).selectFrom('workflow_runs').where('external_id', '=', deal!.id).execute()).toEqual(
      [],
    );

    const again = await postHubSpot(`${world.app.url}/webhooks/hubspot`, [event], {
      secret: world.emulators.env.HUBSPOT_CLIENT_SECRET!,
    });
    expect(again.status).toBe(200);
    expect((await handoffDone(world, deal!.id)).status).toBe('completed');
  });

  it('a handoff run: the deal seen again gets it going, and it completes once', async () => {
    const [deal] = closingDeals(world.hubspot, 74_100, 1);
    await db(world)
      .insertInto('workflow_runs')
      .values({
        team_id: world.app.teamId,
        idempotency_key: `${world.app.teamId}:hubspot:${deal!.id}:entered:closedwon`,
        source: 'hubspot',
        external_id: deal!.id,
        context: JSON.stringify({ source: 'hubspot' }),
      })
      .execute();
    await sleep(QUIET_MS);

    await closeDeal(world, deal!.id);
    const run = await handoffDone(world, deal!.id);
    expect(run.status).toBe('completed');
    expect(posts(`handoff:${run.id}:channel`)).toHaveLength(1);
  });

  it('a post: asked for again, it is posted — once', async () => {
    const post = { teamId: world.app.teamId, channel: 'C0STORED', key: 'stored:not-queued' };
    await db(world)
      .insertInto('deliveries')
      .values({
        team_id: post.teamId,
        channel: post.channel,
        key: post.key,
        payload: JSON.stringify({ text: 'Hi' }),
      })
      .execute();
    await sleep(QUIET_MS);
    expect(posts(post.key)).toEqual([]);

    // The step that stored it is retried: the post is not new, and goes out now.
    expect(await enqueueDelivery(world.app.thread.services, { ...post, message: { text: 'Hi' } })).toBe(
      false,
    );
    await world.app.until(() => posts(post.key).length === 1, 'the post', 10_000);
    await sleep(QUIET_MS);
    expect(posts(post.key)).toHaveLength(1);
  });
});
