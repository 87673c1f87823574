/**
 * A manager's message to many customer channels at once. Each channel gets one durable delivery (key:
 * broadcast + channel), so the deliveries' guarantees hold: once per channel however often it is asked,
 * paced per channel, Retry-After honoured, a refused channel ends failed with its reason (and marks the
 * account). The sender gets a DM that the `broadcast-progress` job edits as the posts finish.
 */
import { sql } from 'kysely';
import type { AccountStage } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import {
  type BroadcastProgressView,
  broadcastMessage,
  broadcastReport,
} from '../../views/messages/broadcast.js';
import { enqueueDeliveries } from '../deliveries/deliveries.js';

export const BROADCAST_PROGRESS_JOB = 'broadcast-progress';
/** How often the report is edited while posts are going out. */
export const PROGRESS_EVERY_MS = 2000;
/** A broadcast still unfinished after this is reported as it stands and no longer followed. */
const FOLLOW_FOR_MS = 60 * 60 * 1000;

export interface BroadcastTarget {
  channelId: string;
  account: string;
}

/** Customer channels of the team's accounts, all of them or those whose account is in `stages`. */
export async function broadcastTargets(
  services: Services,
  teamId: string,
  stages: readonly AccountStage[] | null,
): Promise<BroadcastTarget[]> {
  let q = services.db
    .selectFrom('accounts')
    .select(['customer_channel_id', 'name'])
    .where('team_id', '=', teamId)
    .where('customer_channel_id', 'is not', null);
  if (stages) {
    if (!stages.length) return [];
    q = q.where('stage', 'in', stages);
  }
  const rows = await q.orderBy(sql`lower(name)`).execute();
  return rows.map((r) => ({ channelId: r.customer_channel_id!, account: r.name }));
}

const keyPrefix = (id: string) => `broadcast:${id}:`;

export async function startBroadcast(
  services: Services,
  b: { teamId: string; senderId: string; message: string; stages: AccountStage[] | null },
): Promise<{ id: string; total: number }> {
  const targets = await broadcastTargets(services, b.teamId, b.stages);
  const row = await services.db
    .insertInto('broadcasts')
    .values({
      team_id: b.teamId,
      sender_user_id: b.senderId,
      message: b.message,
      stages: b.stages,
      total: targets.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const message = broadcastMessage(b.message, b.senderId);
  // One transaction and one queue insert for every channel (see enqueueDeliveries).
  await enqueueDeliveries(
    services,
    targets.map((t) => ({
      teamId: b.teamId,
      channel: t.channelId,
      key: `${keyPrefix(row.id)}${t.channelId}`,
      message,
    })),
  );
  // The report goes straight to the sender (not a delivery): its ts is needed at once, to edit it.
  const client = await services.slackClient(b.teamId);
  const dm = await client.conversations.open({ users: b.senderId });
  const dmChannel = String(dm.channel?.id);
  const report = broadcastReport(await progressOf(services, row.id));
  const posted = await client.chat.postMessage({ channel: dmChannel, ...report });
  await services.db
    .updateTable('broadcasts')
    .set({ report_channel: dmChannel, report_ts: String(posted.ts) })
    .where('id', '=', row.id)
    .execute();
  await services.jobs.send(
    BROADCAST_PROGRESS_JOB,
    { id: row.id },
    { startAfter: new Date(Date.now() + PROGRESS_EVERY_MS) },
  );
  return { id: row.id, total: targets.length };
}

async function progressOf(services: Services, id: string): Promise<BroadcastProgressView> {
  const b = await services.db
    .selectFrom('broadcasts')
    .select(['team_id', 'total'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const rows = await services.db
    .selectFrom('deliveries as d')
    .leftJoin('accounts as a', (j) =>
      j.onRef('a.team_id', '=', 'd.team_id').onRef('a.customer_channel_id', '=', 'd.channel'),
    )
    .select(['d.status', 'd.channel', 'd.last_error', 'a.name'])
    .where('d.team_id', '=', b.team_id)
    .where(sql<boolean>`starts_with(d.key, ${keyPrefix(id)})`)
    .execute();
  return {
    total: b.total,
    delivered: rows.filter((r) => r.status === 'delivered').length,
    failed: rows
      .filter((r) => r.status === 'failed')
      .map((r) => ({
        channelId: r.channel,
        account: r.name,
        reason: r.last_error ?? 'Slack refused the post',
      })),
  };
}

/** The job's work: edit the sender's report; follow again later until every post has finished. */
export async function reportBroadcastProgress(
  services: Services,
  id: string,
): Promise<{ done: boolean; delivered: number; failed: number }> {
  const b = await services.db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!b?.report_channel || !b.report_ts) return { done: true, delivered: 0, failed: 0 };
  const progress = await progressOf(services, id);
  const finished = progress.delivered + progress.failed.length;
  const done = finished >= progress.total;
  const givenUp = !done && Date.now() - new Date(b.created_at).getTime() > FOLLOW_FOR_MS;
  const client = await services.slackClient(b.team_id);
  await client.chat.update({
    channel: b.report_channel,
    ts: b.report_ts,
    ...broadcastReport(progress, givenUp),
  });
  if (done || givenUp) {
    await services.db
      .updateTable('broadcasts')
      .set({ finished_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  } else {
    await services.jobs.send(
      BROADCAST_PROGRESS_JOB,
      { id },
      { startAfter: new Date(Date.now() + PROGRESS_EVERY_MS) },
    );
  }
  return { done, delivered: progress.delivered, failed: progress.failed.length };
}
