/** What the calendar tests share: accounts as the handoff leaves them, syncs run as the job runs them. */
import { upsertAccount } from '../../src/domain/accounts/upsert.js';
import { CALENDAR_SYNC_JOB } from '../../src/domain/meetings/sync.js';
import type { TestApp } from '../helpers/app.js';

let n = 0;

/** An onboarding account with a CSM, a customer channel and a "Kickoff call" milestone. */
export async function addAccount(
  app: TestApp,
  fields: { name: string; domain?: string | null; csm?: string; channel?: string | null; aeEmail?: string },
): Promise<string> {
  const db = app.thread.services.db;
  const { account } = await upsertAccount(db, {
    teamId: app.teamId,
    source: 'manual',
    externalId: `test-${++n}-${fields.name}`,
    name: fields.name,
    domain: fields.domain ?? null,
    aeEmail: fields.aeEmail ?? null,
    customerChannelId:
      fields.channel === undefined ? `C${fields.name.toUpperCase().replace(/\W/g, '')}` : fields.channel,
  });
  await db
    .updateTable('accounts')
    .set({ csm_user_id: fields.csm ?? 'UMEMBER', stage: 'onboarding' })
    .where('id', '=', account.id)
    .execute();
  await db
    .insertInto('account_milestones')
    .values([
      { account_id: account.id, position: 1, name: 'Kickoff call', due_date: '2026-12-10' },
      { account_id: account.id, position: 2, name: 'Go live', due_date: '2027-01-10' },
    ])
    .execute();
  return account.id;
}

/** Runs the calendar sync job for one provider and waits until it has finished. */
export async function syncNow(app: TestApp, provider: string): Promise<void> {
  const jobs = app.thread.jobs;
  const id = await jobs.send(CALENDAR_SYNC_JOB, { teamId: app.teamId, provider });
  if (!id) throw new Error('sync job not queued');
  const state = await app.until(
    async () => {
      const s = await jobs.state(CALENDAR_SYNC_JOB, id);
      return s === 'completed' || s === 'failed' || s === 'retry' ? s : undefined;
    },
    `calendar sync of ${provider}`,
    15_000,
  );
  if (state !== 'completed') throw new Error(`calendar sync of ${provider} ended ${state}`);
}

export function meetingsOf(app: TestApp, accountId: string) {
  return app.thread.services.db
    .selectFrom('meetings')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('starts_at')
    .execute();
}

/** Messages posted to a channel (DMs are D + user id in the Slack emulator), with when they arrived. */
export function postsTo(
  app: TestApp,
  channel: string,
): { text: string; at: number; args: Record<string, unknown> }[] {
  return app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel)
    .map((c) => ({ text: String(c.args.text), at: c.at, args: c.args }));
}

/** An ISO instant `seconds` from now, whole seconds (calendars store no milliseconds). */
export function inSeconds(seconds: number, from = Date.now()): string {
  return new Date(Math.ceil(from / 1000) * 1000 + seconds * 1000).toISOString();
}

/**
 * The account's handoff as the handoff workflow leaves it: a completed run (with `context`, e.g. the
 * deal's contacts) and its delivered post in `channel`, whose thread later news about the account joins.
 */
export async function addHandoffPost(
  app: TestApp,
  accountId: string,
  post: { channel: string; ts: string },
  context: Record<string, unknown> = {},
): Promise<void> {
  const db = app.thread.services.db;
  const run = await db
    .insertInto('workflow_runs')
    .values({
      team_id: app.teamId,
      idempotency_key: `test:handoff:${accountId}`,
      source: 'hubspot',
      external_id: accountId,
      account_id: accountId,
      status: 'completed',
      context: JSON.stringify(context),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('deliveries')
    .values({
      team_id: app.teamId,
      key: `handoff:${run.id}:channel`,
      channel: post.channel,
      payload: JSON.stringify({ text: 'handoff' }),
      status: 'delivered',
      slack_ts: post.ts,
    })
    .execute();
}
