/**
 * The OAuth state store (the domain's, not a provider's: it is rows in `oauth_states`). OAuth `state`: 256 random bits, stored only as a SHA-256 hash, bound to team + user + provider, single
 * use, valid 10 minutes. The PKCE verifier rides along, sealed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Services } from '../../app/services.js';

export const STATE_TTL_MS = 10 * 60 * 1000;

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

export async function createState(
  services: Services,
  f: { teamId: string; userId: string; provider: string; environment?: string; pkce: boolean },
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  const verifier = f.pkce ? randomBytes(48).toString('base64url') : undefined;
  await services.db
    .insertInto('oauth_states')
    .values({
      state_hash: hashState(state),
      team_id: f.teamId,
      user_id: f.userId,
      provider: f.provider,
      environment: f.environment ?? null,
      code_verifier_sealed: verifier ? services.vault.seal(verifier) : null,
      expires_at: new Date(Date.now() + STATE_TTL_MS),
    })
    .execute();
  return state;
}

export type StateProblem = 'missing' | 'unknown' | 'expired' | 'used' | 'wrong_provider';

export interface StateRecord {
  teamId: string;
  userId: string;
  provider: string;
  environment?: string;
  codeVerifier?: string;
}

/** Looks a state up without using it (the start route). */
export async function peekState(
  services: Services,
  state: string | undefined,
  provider: string,
): Promise<{ ok: true; record: StateRecord } | { ok: false; problem: StateProblem }> {
  if (!state) return { ok: false, problem: 'missing' };
  const row = await services.db
    .selectFrom('oauth_states')
    .selectAll()
    .where('state_hash', '=', hashState(state))
    .executeTakeFirst();
  if (!row) return { ok: false, problem: 'unknown' };
  if (row.provider !== provider) return { ok: false, problem: 'wrong_provider' };
  if (row.used_at) return { ok: false, problem: 'used' };
  if (row.expires_at.getTime() < Date.now()) return { ok: false, problem: 'expired' };
  return { ok: true, record: toRecord(services, row) };
}

/** Uses a state up: atomic, so two callbacks racing with one state cannot both pass. */
export async function consumeState(
  services: Services,
  state: string | undefined,
  provider: string,
): Promise<{ ok: true; record: StateRecord } | { ok: false; problem: StateProblem }> {
  const peek = await peekState(services, state, provider);
  if (!peek.ok) return peek;
  const row = await services.db
    .updateTable('oauth_states')
    .set({ used_at: new Date() })
    .where('state_hash', '=', hashState(state!))
    .where('used_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) return { ok: false, problem: 'used' };
  return { ok: true, record: toRecord(services, row) };
}

function toRecord(
  services: Services,
  row: {
    team_id: string;
    user_id: string;
    provider: string;
    environment: string | null;
    code_verifier_sealed: string | null;
  },
): StateRecord {
  return {
    teamId: row.team_id,
    userId: row.user_id,
    provider: row.provider,
    environment: row.environment ?? undefined,
    codeVerifier: row.code_verifier_sealed ? services.vault.open(row.code_verifier_sealed) : undefined,
  };
}

/** Removes states older than a day (used or not): the table only ever holds recent attempts. */
export async function pruneStates(services: Services): Promise<number> {
  const r = await services.db
    .deleteFrom('oauth_states')
    .where('expires_at', '<', new Date(Date.now() - 24 * 3600 * 1000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
