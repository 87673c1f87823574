/** An account's customer channel and its customer engagement, shaped for the account view. */
import type { Kysely } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { CustomerChannelView } from '../../views/messages/channels.js';
import type { EngagementView } from '../../views/messages/engagement.js';
import { engagementOf } from '../engagement/summary.js';

export async function customerChannelOf(
  db: Kysely<DB>,
  accountId: string,
): Promise<{ customerChannel: CustomerChannelView | null; engagement?: EngagementView }> {
  const row = await db
    .selectFrom('accounts')
    .select([
      'customer_channel_id',
      'customer_channel_name',
      'customer_channel_shared',
      'customer_channel_problem',
    ])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row?.customer_channel_id) return { customerChannel: null };
  return {
    customerChannel: {
      id: row.customer_channel_id,
      name: row.customer_channel_name,
      shared: row.customer_channel_shared,
      problem: row.customer_channel_problem,
    },
    engagement: await engagementOf(db, accountId),
  };
}
