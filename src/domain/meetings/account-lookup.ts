/** The account a person named in `/thread schedule kickoff <account>`: as `/thread account` finds it. */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { didYouMean } from '../../lib/did-you-mean.js';
import { accountSummaries, findAccount } from '../accounts/overview.js';

export type NamedAccount =
  | { found: 'one'; id: string; name: string }
  | { found: 'none'; suggestion?: string }
  | { found: 'several'; names: string[]; total: number };

export async function accountNamed(services: Services, teamId: string, typed: string): Promise<NamedAccount> {
  const found = await findAccount(services.db, teamId, typed);
  if (found.found === 'several') return found;
  if (found.found === 'none') {
    const names = (await accountSummaries(services.db, teamId)).map((a) => a.name);
    const suggestion = didYouMean(typed, names);
    return suggestion ? { found: 'none', suggestion } : { found: 'none' };
  }
  // findAccount found exactly one by this name: its id, by the same name.
  const row = await services.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('team_id', '=', teamId)
    .where(sql`lower(name)`, '=', found.account.name.toLowerCase())
    .executeTakeFirstOrThrow();
  return { found: 'one', id: row.id, name: row.name };
}
