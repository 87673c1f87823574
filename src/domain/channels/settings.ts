/** Per team: the naming rule for channels Thread creates and the days of silence that flag an account. */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { DEFAULT_NAME_RULE } from './names.js';

export const DEFAULT_SILENT_DAYS = 7;

export interface ChannelSettings {
  nameRule: string;
  silentDays: number;
}

export async function channelSettings(db: Kysely<DB>, teamId: string): Promise<ChannelSettings> {
  const row = await db
    .selectFrom('customer_channel_settings')
    .select(['name_rule', 'silent_days'])
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return {
    nameRule: row?.name_rule ?? DEFAULT_NAME_RULE,
    silentDays: row?.silent_days ?? DEFAULT_SILENT_DAYS,
  };
}

export async function setNameRule(db: Kysely<DB>, teamId: string, rule: string, by: string): Promise<void> {
  await db
    .insertInto('customer_channel_settings')
    .values({ team_id: teamId, name_rule: rule, updated_by: by })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet({ name_rule: rule, updated_by: by, updated_at: sql`now()` }),
    )
    .execute();
}

/** How many days without customer engagement flag an account on its CSM's Home (1–365). */
export async function setSilentDays(db: Kysely<DB>, teamId: string, days: number, by: string): Promise<void> {
  await db
    .insertInto('customer_channel_settings')
    .values({ team_id: teamId, silent_days: days, updated_by: by })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet({ silent_days: days, updated_by: by, updated_at: sql`now()` }),
    )
    .execute();
}
