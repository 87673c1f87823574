/**
 * What the customer-channel, engagement and broadcast tests share: people from both sides of a Slack
 * Connect channel, accounts as a handoff leaves them, Thread posts in a channel, and events sent the
 * way Slack sends them (signed, with Slack's retry header when it retries).
 */
import { upsertAccount } from '../../src/domain/accounts/upsert.js';
import { forgetTrackedChannels } from '../../src/domain/channels/tracked.js';
import { enqueueDelivery } from '../../src/domain/deliveries/deliveries.js';
import { blocksToText } from '../../src/views/plain-text.js';
import { checkBlock } from '../emulators/slack.js';
import { SIGNING_SECRET, type TestApp } from '../helpers/app.js';
import { eventBody, postSigned } from '../helpers/slack-requests.js';

export const CUSTOMER_TEAM = 'T0CUSTOMER';
/** People in a shared channel: ours, the customer's (one of them an admin of their own workspace), a guest. */
export const PEOPLE = [
  { id: 'UCSM', name: 'cara.csm', email: 'cara@example.com' },
  { id: 'UAE', name: 'abe.ae', email: 'abe@example.com' },
  { id: 'UCUST', name: 'carl.customer', email: 'carl@customer.example', team_id: CUSTOMER_TEAM },
  {
    id: 'UCUSTADMIN',
    name: 'cat.customer-admin',
    email: 'cat@customer.example',
    team_id: CUSTOMER_TEAM,
    is_admin: true,
    is_owner: true,
  },
  { id: 'UGUEST', name: 'gus.guest', email: 'gus@customer.example', is_restricted: true },
];
export const NAMES: Record<string, string> = {
  UADMIN: 'ana',
  UMEMBER: 'mo',
  UCSM: 'cara',
  UAE: 'abe',
  UCUST: 'carl',
  UCUSTADMIN: 'cat',
  UGUEST: 'gus',
};

export function addPeople(app: TestApp): void {
  for (const p of PEOPLE) app.slack.addUser(p);
}

export async function resetTables(app: TestApp): Promise<void> {
  const db = app.thread.services.db;
  await db.deleteFrom('engagement_events').execute();
  await db.deleteFrom('broadcasts').execute();
  await db.deleteFrom('deliveries').execute();
  await db.deleteFrom('accounts').execute();
  await db.deleteFrom('customer_channel_settings').execute();
  await db.deleteFrom('thread_admins').execute();
}

/**
 * An account as a handoff leaves it (onboarding, a CSM), written straight to the tables; by default a
 * HubSpot deal of this app's workspace named like the account.
 */
export async function makeAccount(
  app: TestApp,
  name: string,
  extra: {
    csm?: string;
    aeEmail?: string;
    channel?: string;
    stage?: 'new' | 'onboarding' | 'live' | 'closed';
    teamId?: string;
    source?: 'hubspot' | 'salesforce' | 'notion';
    externalId?: string;
  } = {},
): Promise<string> {
  const db = app.thread.services.db;
  const teamId = extra.teamId ?? app.teamId;
  const { account } = await upsertAccount(db, {
    teamId,
    source: extra.source ?? 'hubspot',
    externalId: extra.externalId ?? name,
    name,
    aeEmail: extra.aeEmail ?? null,
  });
  await db
    .updateTable('accounts')
    .set({
      csm_user_id: extra.csm ?? null,
      customer_channel_id: extra.channel ?? null,
      stage: extra.stage ?? 'onboarding',
    })
    .where('id', '=', account.id)
    .execute();
  // Written straight to the table, so drop the cache the way linking a channel does.
  forgetTrackedChannels(app.thread.services, teamId);
  return account.id;
}

let raw = '';
/** The JSON Slack got for the last reply: what a mention or `<!channel>` would be sent as. */
export const lastRaw = () => raw;

/** `/thread <text>` as `user`, read as Slack renders it; Block Kit limits checked. */
export async function reply(app: TestApp, text: string, user = 'UADMIN'): Promise<string> {
  const body = await app.commandReply(text, user);
  raw = JSON.stringify(body);
  const blocks = (body.blocks as Record<string, unknown>[] | undefined) ?? [];
  for (const b of blocks) if (checkBlock(b)) throw new Error(`bad block: ${checkBlock(b)}`);
  return blocks.length ? blocksToText(blocks, { names: NAMES }) : String(body.text);
}

/** A post Thread made in `channel` through the deliveries; its Slack ts. */
export async function threadPost(app: TestApp, channel: string, key: string): Promise<string> {
  const services = app.thread.services;
  await enqueueDelivery(services, { teamId: app.teamId, channel, key, message: { text: `update ${key}` } });
  const row = await app.until(
    () =>
      services.db
        .selectFrom('deliveries')
        .select(['slack_ts', 'status'])
        .where('key', '=', key)
        .where('status', '!=', 'pending')
        .executeTakeFirst(),
    `delivery ${key}`,
    15_000,
  );
  if (!row.slack_ts) throw new Error(`delivery ${key} ended ${row.status}`);
  return row.slack_ts;
}

let eventCounter = 0;
/** An Events API delivery as Slack signs it; `retry`: Slack's retry of the same event id. */
export async function sendEvent(
  app: TestApp,
  event: Record<string, unknown>,
  options: { eventId?: string; retry?: number } = {},
) {
  const eventId = options.eventId ?? `EvTEST${Date.now()}${++eventCounter}`;
  const headers: Record<string, string> = options.retry
    ? { 'x-slack-retry-num': String(options.retry), 'x-slack-retry-reason': 'http_timeout' }
    : {};
  const res = await postSigned(`${app.url}/slack/events`, eventBody(app.teamId, event, eventId), {
    secret: SIGNING_SECRET,
    contentType: 'application/json',
    headers,
  });
  if (res.status !== 200) throw new Error(`event answered HTTP ${res.status}`);
  return { eventId };
}

/** Post-ack work done: Bolt runs listeners after the 200, tracked by the app's inflight set. */
export async function settled(app: TestApp): Promise<void> {
  await app.thread.services.inflight.drain(5000);
}
