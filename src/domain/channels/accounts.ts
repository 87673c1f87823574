/**
 * The account a command names, for the channel commands: the same matching as `/thread account`, plus a
 * "did you mean" when nothing matches (a typo in a customer's name is the usual reason).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../app/db-types.js';
import { didYouMean } from '../../lib/did-you-mean.js';
import { matchAccounts } from '../accounts/overview.js';

export interface NamedAccount {
  id: string;
  name: string;
  csmUserId: string | null;
}

export type NamedLookup =
  | { found: 'one'; account: NamedAccount }
  | { found: 'none'; suggestion?: string }
  | { found: 'several'; names: string[]; total: number };

/** Enough names for a suggestion without reading a large team's whole table. */
const SUGGEST_FROM = 1000;

export async function accountNamed(db: Kysely<DB>, teamId: string, typed: string): Promise<NamedLookup> {
  const matches = await matchAccounts(db, teamId, typed);
  if (matches.length === 1) {
    const { id, name, csmUserId } = matches[0]!;
    return { found: 'one', account: { id, name, csmUserId } };
  }
  if (matches.length > 1)
    return { found: 'several', names: matches.slice(0, 10).map((m) => m.name), total: matches.length };
  const names = await db
    .selectFrom('accounts')
    .select('name')
    .where('team_id', '=', teamId)
    .limit(SUGGEST_FROM)
    .execute();
  return {
    found: 'none',
    suggestion: didYouMean(
      typed.trim(),
      names.map((n) => n.name),
    ),
  };
}
