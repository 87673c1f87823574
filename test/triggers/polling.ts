/**
 * What the polling trigger tests share: running one poll through the job queue (as the schedule would)
 * and waiting for it, and reading back what a handoff produced.
 */
import type { AccountSource } from '../../src/app/db-types.js';
import type { ConnectorWorld } from '../connectors/helpers.js';

export const CHANNEL = 'C0HANDOFF';
export const CSM = 'UMEMBER';

export function polling(world: ConnectorWorld) {
  const db = () => world.app.thread.services.db;
  const teamId = () => world.app.teamId;

  const cursorOf = (provider: string) =>
    db()
      .selectFrom('trigger_poll_cursors')
      .selectAll()
      .where('team_id', '=', teamId())
      .where('provider', '=', provider)
      .executeTakeFirst();

  let lastPollAt = 0;
  /** One poll of the source, through the `poll-source` job; resolves once it has run. */
  async function poll(provider: string) {
    // Polls come a minute apart in production; here at most one every 250 ms, inside the providers'
    // own search limits (HubSpot: 5 searches a second), which the emulators enforce.
    const wait = lastPollAt + 250 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastPollAt = Date.now();
    const before = (await cursorOf(provider))?.last_polled_at?.getTime() ?? 0;
    await world.app.thread.services.jobs.send('poll-source', { teamId: teamId(), provider, force: true });
    return world.app.until(
      async () => {
        const row = await cursorOf(provider);
        return row?.last_polled_at && row.last_polled_at.getTime() > before ? row : undefined;
      },
      `a ${provider} poll`,
      15_000,
    );
  }

  const runsOf = (provider: string, id: string) =>
    db()
      .selectFrom('workflow_runs')
      .selectAll()
      .where('source', '=', provider)
      .where('external_id', '=', id)
      .execute();

  /** Waits for the record's run to finish and its posts to leave; returns the run. */
  async function handoffDone(provider: string, id: string) {
    const run = await world.app.until(
      async () => (await runsOf(provider, id)).find((r) => r.status !== 'running'),
      `handoff run of ${provider} ${id} finished`,
      20_000,
    );
    await world.app.until(
      async () =>
        (
          await db()
            .selectFrom('deliveries')
            .select('status')
            .where('key', 'like', `handoff:${run.id}:%`)
            .execute()
        ).every((d) => d.status !== 'pending'),
      'handoff posts delivered',
      8_000,
    );
    return run;
  }

  /** Every trigger event of the record handed to the workflow. */
  async function eventsProcessed(provider: string, id: string) {
    await world.app.until(
      async () => {
        const rows = await db()
          .selectFrom('trigger_events')
          .select('processed_at')
          .where('provider', '=', provider)
          .where('external_id', '=', id)
          .execute();
        return rows.every((r) => r.processed_at);
      },
      `trigger events of ${provider} ${id} processed`,
      20_000,
    );
  }

  const eventsOf = (provider: string, id: string) =>
    db()
      .selectFrom('trigger_events')
      .selectAll()
      .where('provider', '=', provider)
      .where('external_id', '=', id)
      .execute();

  const accountsOf = (provider: AccountSource, id: string) =>
    db()
      .selectFrom('accounts')
      .selectAll()
      .where('source', '=', provider)
      .where('external_id', '=', id)
      .execute();

  const milestonesOf = (accountId: string) =>
    db().selectFrom('account_milestones').select('name').where('account_id', '=', accountId).execute();

  /** The Slack posts about a record, found by its name (channel post or DM). */
  const postsAbout = (name: string, channel: string) =>
    world.app.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === channel && JSON.stringify(c.args.blocks ?? []).includes(name));

  /** Exactly one account with the template's milestones, one channel post and one CSM DM. */
  async function expectOneHandoff(provider: AccountSource, id: string, name: string) {
    const runs = await runsOf(provider, id);
    const accounts = await accountsOf(provider, id);
    const milestones = accounts[0] ? await milestonesOf(accounts[0].id) : [];
    return {
      runs: runs.length,
      status: runs[0]?.status,
      accounts: accounts.length,
      account: accounts[0],
      milestones: milestones.length,
      channelPosts: postsAbout(name, CHANNEL).length,
      dms: postsAbout(name, `D${CSM}`).length,
    };
  }

  return {
    db,
    cursorOf,
    poll,
    runsOf,
    handoffDone,
    eventsProcessed,
    eventsOf,
    accountsOf,
    postsAbout,
    expectOneHandoff,
  };
}

/** The handoff's Slack side, as the HubSpot webhook test sets it up: a CSM in the pool and a channel. */
export async function handoffSetUp(world: ConnectorWorld) {
  const csm = await world.app.commandReply(`csm add <@${CSM}|mo.member>`);
  if (!JSON.stringify(csm).includes('is in the CSM pool')) throw new Error('csm add failed');
  const channel = await world.app.commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
  if (!JSON.stringify(channel).includes(`<#${CHANNEL}>`)) throw new Error('handoff channel failed');
}

/** The shape `expectOneHandoff` returns for a complete, single handoff with the default template. */
export const ONE_HANDOFF = {
  runs: 1,
  status: 'completed',
  accounts: 1,
  milestones: 6,
  channelPosts: 1,
  dms: 1,
};
