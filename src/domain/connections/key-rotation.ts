/**
 * Encryption-key rotation and its consequences for connections.
 *
 * - `rotateKeys` re-seals every vault secret under the current key. Each re-seal locks the row that owns
 *   the secret (a connection, a Slack installation) first — the same lock a token refresh takes — so a
 *   refresh running in Thread at the same moment is never overwritten by an older token set. Safe to run
 *   twice (already-current secrets are skipped) and while Thread runs.
 * - `checkSealedTokens` keeps the dashboard honest: a connection whose tokens no configured key opens is
 *   ⚠️ Error "Setup problem" (never ✅ Connected), and goes back to Connected once they open again. Thread
 *   runs it at start and with every scheduled token refresh.
 */
import type { Kysely } from 'kysely';
import { SealError } from '../../app/crypto.js';
import type { DB } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import type { TokenVault } from '../../app/vault.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import { recordFailure, recordSuccess } from './health.js';

export interface RotationReport {
  resealed: number;
  current: number;
  /** Secrets no configured key opens, with what they belong to (for the operator). */
  unreadable: { secretId: string; owner: string }[];
}

export async function rotateKeys(db: Kysely<DB>, vault: TokenVault): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, current: 0, unreadable: [] };
  for (const id of await vault.ids()) {
    const outcome = await db.transaction().execute(async (trx) => {
      const owners = await trx
        .selectFrom('connections')
        .select(['provider', 'team_id', 'external_account_label'])
        .where('token_secret_id', '=', id)
        .forUpdate()
        .execute();
      const installs = await trx
        .selectFrom('installations')
        .select(['team_id', 'team_name'])
        .where('bot_token_secret_id', '=', id)
        .forUpdate()
        .execute();
      try {
        return { kind: await vault.reseal(id, trx), owner: '' };
      } catch (err) {
        if (!(err instanceof SealError)) throw err;
        const owner =
          owners.map(
            (o) =>
              `${findProviderDefinition(o.provider)?.name ?? o.provider} connection of workspace ${o.team_id}${o.external_account_label ? ` (${o.external_account_label})` : ''}`,
          )[0] ??
          installs.map((i) => `Slack installation for workspace ${i.team_name ?? i.team_id}`)[0] ??
          'a secret no connection uses any more';
        return { kind: 'unreadable' as const, owner };
      }
    });
    if (outcome.kind === 'resealed') report.resealed++;
    else if (outcome.kind === 'current') report.current++;
    else report.unreadable.push({ secretId: id, owner: outcome.owner });
  }
  return report;
}

export async function checkSealedTokens(
  services: Services,
): Promise<{ unreadable: number; recovered: number }> {
  const rows = await services.db
    .selectFrom('connections')
    .selectAll()
    .where('token_secret_id', 'is not', null)
    .where('status', '<>', 'available')
    .execute();
  let unreadable = 0;
  let recovered = 0;
  for (const connection of rows) {
    const opens = await services.vault.canOpen(connection.token_secret_id!);
    const marked = connection.status === 'error' && connection.error_code === 'tokens_unreadable';
    if (!opens) {
      unreadable++;
      if (!marked) {
        await recordFailure(
          services,
          connection,
          new ProviderError('tokens_unreadable', 'No configured encryption key opens the stored tokens.'),
          { event: 'api_error' },
        );
      }
    } else if (marked) {
      recovered++;
      await recordSuccess(services, connection);
    }
  }
  return { unreadable, recovered };
}
