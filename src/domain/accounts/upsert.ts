/**
 * Creating or updating an account from what a CRM (or a person) says about it. Idempotent by
 * (team, source, external id): the same deal seen twice — a webhook and a poll, a retried job — is one
 * account. Fields the source sends overwrite the row; fields it leaves out (undefined) are kept, so a
 * partial update never blanks what an earlier, fuller one wrote.
 */
import { type Kysely, sql, type Updateable } from 'kysely';
import type { Account, AccountSource, AccountsTable, DB } from '../../app/db-types.js';

export interface AccountFacts {
  teamId: string;
  source: AccountSource;
  externalId: string;
  name: string;
  domain?: string | null;
  amount?: string | number | null;
  currency?: string | null;
  /** 'YYYY-MM-DD'. */
  closeDate?: string | null;
  crmOwnerId?: string | null;
  aeEmail?: string | null;
  aeName?: string | null;
  customerChannelId?: string | null;
}

/** The optional facts and the column each lands in. */
const COLUMNS = {
  domain: 'domain',
  amount: 'amount',
  currency: 'currency',
  closeDate: 'close_date',
  crmOwnerId: 'crm_owner_id',
  aeEmail: 'ae_email',
  aeName: 'ae_name',
  customerChannelId: 'customer_channel_id',
} as const satisfies Record<string, keyof AccountsTable>;

export async function upsertAccount(
  db: Kysely<DB>,
  facts: AccountFacts,
): Promise<{ account: Account; created: boolean }> {
  const sent: Updateable<AccountsTable> & { name: string } = { name: facts.name };
  for (const [key, column] of Object.entries(COLUMNS)) {
    const value = facts[key as keyof typeof COLUMNS];
    if (value !== undefined) Object.assign(sent, { [column]: value });
  }
  const row = await db
    .insertInto('accounts')
    .values({ team_id: facts.teamId, source: facts.source, external_id: facts.externalId, ...sent })
    .onConflict((oc) =>
      oc.columns(['team_id', 'source', 'external_id']).doUpdateSet({ ...sent, updated_at: sql`now()` }),
    )
    .returningAll()
    // xmax is 0 only on a row this statement inserted: the one way to tell insert from update here.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  const { created, ...account } = row;
  return { account, created };
}
