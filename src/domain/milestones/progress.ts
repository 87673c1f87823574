/** An account's milestones and where it stands, as the milestone views show them. */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { ProgressView } from '../../views/messages/milestones.js';

export async function progressOf(
  db: Kysely<DB>,
  teamId: string,
  accountId: string,
): Promise<ProgressView | undefined> {
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'stage', 'csm_user_id', 'customer_channel_id'])
    .where('team_id', '=', teamId)
    .where(sql<string>`id::text`, '=', accountId)
    .executeTakeFirst();
  if (!account) return undefined;
  const milestones = await db
    .selectFrom('account_milestones')
    .select(['id', 'name', 'status', 'due_date as dueDate', 'go_live as goLive'])
    .where('account_id', '=', account.id)
    .orderBy('position')
    .execute();
  return {
    accountId: account.id,
    name: account.name,
    stage: account.stage,
    csmUserId: account.csm_user_id,
    customerChannelId: account.customer_channel_id,
    milestones,
  };
}
