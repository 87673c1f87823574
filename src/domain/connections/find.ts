import type { Kysely } from 'kysely';
import type { Connection, DB } from '../../app/db-types.js';

/** The team's connection to `provider` if it is connected or broken; undefined when it is Available. */
export async function activeConnection(
  db: Kysely<DB>,
  teamId: string,
  provider: string,
): Promise<Connection | undefined> {
  const connection = await db
    .selectFrom('connections')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return connection && connection.status !== 'available' && connection.token_secret_id
    ? connection
    : undefined;
}
