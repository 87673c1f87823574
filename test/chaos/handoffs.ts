/**
 * What every chaos test does around the fault it injects: deals that close in HubSpot, their webhooks
 * delivered the way HubSpot delivers them (again until Thread answers 2xx), "settled" (nothing left to
 * do), and the one verdict — per deal one account, one completed run, one handoff post, one CSM DM, one
 * AE DM, at most one AE email; every stored post in Slack exactly once.
 */
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { DB } from '../../src/app/db-types.js';
import { decodeWord, type GoogleEmulator } from '../emulators/google.js';
import type { HubSpotEmulator } from '../emulators/hubspot.js';
import type { SlackEmulator } from '../emulators/slack.js';
import { dealStageEvent, postHubSpot } from '../helpers/hubspot-webhooks.js';
import { addDeal, CHANNEL, CSM } from '../workflows/handoff-world.js';

export { CHANNEL, CSM };

/** The AE on every deal: a person in the Slack emulator's workspace, so each handoff DMs them too. */
export const AE = { userId: 'UADMIN', email: 'ana@example.com' };
const AE_OWNER = { id: '8800', email: AE.email, firstName: 'Ana', lastName: 'Admin' };

export interface ClosingDeal {
  id: string;
  name: string;
}

/** `n` deals in HubSpot at Closed Won (ids from `firstId`), each with the AE as owner and a company. */
export function closingDeals(hubspot: HubSpotEmulator, firstId: number, n: number): ClosingDeal[] {
  return Array.from({ length: n }, (_, i) => {
    const deal = { id: String(firstId + i), name: `Chaos ${firstId + i}` };
    addDeal({ hubspot }, { ...deal, owner: AE_OWNER, company: { name: deal.name, domain: 'chaos.example' } });
    return deal;
  });
}

/**
 * Each deal's stage-change webhook, delivered like HubSpot: the same event again after a failure (a
 * refused connection, a cut one, a non-2xx) until Thread takes it. `gapMs` spaces the deals.
 */
export async function deliverWebhooks(
  webhookUrl: string,
  o: { secret: string; portalId: number; deals: readonly ClosingDeal[]; gapMs: () => number },
): Promise<void> {
  const sent: Promise<void>[] = [];
  for (const deal of o.deals) {
    const event = dealStageEvent(o.portalId, { dealId: Number(deal.id) });
    sent.push(untilTaken(webhookUrl, o.secret, event));
    await new Promise((r) => setTimeout(r, o.gapMs()));
  }
  await Promise.all(sent);
}

async function untilTaken(url: string, secret: string, event: object): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await postHubSpot(url, [event], { secret }).then(
      (r) => r.status,
      () => 0,
    );
    if (status >= 200 && status < 300) return;
    if (Date.now() > deadline) throw new Error(`HubSpot gave up on a webhook (last answer ${status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What is still to do: deals without a finished run, posts not sent, webhook events not processed. */
async function unsettled(db: Kysely<DB>, deals: readonly ClosingDeal[]): Promise<string[]> {
  const runs = await db
    .selectFrom('workflow_runs')
    .select(['external_id', 'status', 'steps', 'claimed_until'])
    .where(
      'external_id',
      'in',
      deals.map((d) => d.id),
    )
    .execute();
  const left = deals
    .filter((d) => !runs.some((r) => r.external_id === d.id))
    .map((d) => `deal ${d.id}: no run`);
  for (const r of runs.filter((r) => r.status === 'running'))
    left.push(`deal ${r.external_id}: run ${JSON.stringify(r)}`);
  const posts = await db
    .selectFrom('deliveries')
    .select(['key', 'attempts', 'claimed_until', 'last_error'])
    .where('status', '=', 'pending')
    .execute();
  for (const p of posts) left.push(`post ${JSON.stringify(p)}`);
  const events = await db
    .selectFrom('trigger_events')
    .select(['external_id', 'received_at'])
    .where('processed_at', 'is', null)
    .execute();
  for (const e of events) left.push(`webhook event ${JSON.stringify(e)}`);
  return left;
}

/** Waits until every deal's run finished, every webhook event was processed and no post is left to send. */
export async function untilSettled(db: Kysely<DB>, deals: readonly ClosingDeal[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await unsettled(db, deals);
    if (!left.length) return;
    if (Date.now() > deadline) throw new Error(`not settled after ${timeoutMs} ms:\n${left.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where `key` was posted in Slack: Thread puts every post's key in its message metadata. */
export function postsWithKey(slack: SlackEmulator, key: string) {
  return [...slack.messages.entries()].flatMap(([channel, messages]) =>
    messages.filter((m) => m.metadata?.event_payload.key === key).map((m) => ({ channel, ts: m.ts })),
  );
}

/** The verdict: nothing lost, nothing doubled. */
export async function expectEachDealOnce(
  db: Kysely<DB>,
  w: { slack: SlackEmulator; google: GoogleEmulator; deals: readonly ClosingDeal[] },
): Promise<void> {
  for (const deal of w.deals) {
    const accounts = await db
      .selectFrom('accounts')
      .select('id')
      .where('source', '=', 'hubspot')
      .where('external_id', '=', deal.id)
      .execute();
    expect(accounts, `accounts of deal ${deal.id}`).toHaveLength(1);
    const runs = await db
      .selectFrom('workflow_runs')
      .select(['id', 'status', 'reason'])
      .where('external_id', '=', deal.id)
      .execute();
    expect(runs, `runs of deal ${deal.id}`).toHaveLength(1);
    const run = runs[0]!;
    expect(run, `run of deal ${deal.id}`).toMatchObject({ status: 'completed', reason: null });
    const channelPost = postsWithKey(w.slack, `handoff:${run.id}:channel`);
    expect(
      channelPost.map((p) => p.channel),
      `handoff post of deal ${deal.id}`,
    ).toEqual([CHANNEL]);
    expect(postsWithKey(w.slack, `handoff:${run.id}:csm`).map((p) => p.channel)).toEqual([`D${CSM}`]);
    expect(postsWithKey(w.slack, `handoff:${run.id}:ae`).map((p) => p.channel)).toEqual([`D${AE.userId}`]);

    // At most once by design: "sent" means exactly one; "sending" (a kill while Gmail had it) one or none.
    const emails = w.google.sentMail.filter((m) =>
      m.headers.some(([n, v]) => n.toLowerCase() === 'subject' && decodeWord(v) === `Handoff: ${deal.name}`),
    );
    const marker = await db
      .selectFrom('handoff_emails')
      .select('status')
      .where('run_id', '=', run.id)
      .executeTakeFirst();
    if (marker?.status === 'sent') expect(emails, `email of deal ${deal.id}`).toHaveLength(1);
    else expect(emails.length, `email of deal ${deal.id}`).toBeLessThanOrEqual(1);
  }
  // Every post Thread stored — the handoffs' and any other — is in Slack once, under the ts it recorded.
  const rows = await db
    .selectFrom('deliveries')
    .select(['key', 'status', 'slack_ts', 'last_error'])
    .execute();
  for (const row of rows) {
    expect(row, `delivery ${row.key}`).toMatchObject({ status: 'delivered' });
    expect(
      postsWithKey(w.slack, row.key).map((p) => p.ts),
      `posts of ${row.key}`,
    ).toEqual([row.slack_ts]);
  }
}
