/**
 * Disconnecting: revoke at the provider where it can be revoked, delete the vault secret, back to
 * Available, log it. A provider that cannot be reached does not keep the user connected against their
 * will: we still forget the tokens, and say the revocation did not go through.
 */
import type { Services } from '../../app/services.js';
import { scrubbedWords } from '../../providers/errors.js';
import { endpointsFor } from '../../providers/oauth/endpoints.js';
import { revokeTokens } from '../../providers/oauth/token-endpoint.js';
import { getProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import { activeConnection } from './find.js';
import { addLog } from './logs.js';
import { readTokens } from './tokens.js';

export type DisconnectResult = { state: 'not_connected' } | { state: 'disconnected'; revoked: Revoked };

/** `unreadable`: Thread's key no longer opens the tokens, so there was nothing to revoke with. */
type Revoked = 'yes' | 'not_supported' | 'failed' | 'unreadable';

export async function disconnect(
  services: Services,
  teamId: string,
  provider: string,
  userId: string,
): Promise<DisconnectResult> {
  const def = getProviderDefinition(provider);
  const connection = await activeConnection(services.db, teamId, provider);
  if (!connection?.token_secret_id) return { state: 'not_connected' };

  let revoked: Revoked = 'not_supported';
  let revokeError: string | undefined;
  try {
    const tokens = await readTokens(services, connection);
    revoked = (await revokeTokens(def, endpointsFor(services.config, def, connection.environment), tokens))
      ? 'yes'
      : 'not_supported';
  } catch (err) {
    revoked = err instanceof ProviderError && err.code === 'tokens_unreadable' ? 'unreadable' : 'failed';
    revokeError = scrubbedWords(err instanceof ProviderError ? err.details.providerMessage : String(err));
  }
  const secretId = connection.token_secret_id;
  await services.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('connections')
      .set({
        status: 'available',
        token_secret_id: null,
        error_code: null,
        error_message: null,
        error_since: null,
        expires_at: null,
        refresh_attempts: 0,
        updated_at: new Date(),
      })
      .where('id', '=', connection.id)
      .execute();
    await services.vault.delete(secretId, trx);
  });
  await addLog(services, {
    teamId,
    provider,
    connectionId: connection.id,
    level: revoked === 'failed' || revoked === 'unreadable' ? 'warn' : 'info',
    event: 'disconnect',
    message:
      revoked === 'yes'
        ? `Disconnected; access revoked at ${def.name}`
        : revoked === 'not_supported'
          ? `Disconnected; ${def.name} has no revocation endpoint — remove Thread from the account's connected apps to end the grant there too`
          : revoked === 'unreadable'
            ? `Disconnected; not revoked at ${def.name}: Thread's encryption key no longer opens the saved tokens — remove Thread from the account's connected apps to end the grant there`
            : `Disconnected; revoking at ${def.name} failed — tokens deleted here anyway`,
    detail: { by: userId },
    providerWords: revokeError,
  });
  return { state: 'disconnected', revoked };
}
