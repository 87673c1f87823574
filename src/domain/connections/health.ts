/**
 * Moving a connection between Connected and Error, with the DMs the product promises: one when it breaks
 * (to whoever connected it), one when it is fixed — never a DM per failed call.
 */

import type { Connection } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { providerWords } from '../../providers/errors.js';
import { findProviderDefinition } from '../../providers/registry.js';
import type { ProviderError } from '../../providers/types.js';
import { brokenDm, recoveredDm } from '../../views/messages/connection-dms.js';
import { resumeRunsWaitingFor } from '../workflows/waiting.js';
import { addLog } from './logs.js';
import { dm } from './notify.js';
import { TROUBLESHOOTING } from './troubleshooting.js';

/** Records a failure; flips the connection to Error when the table says so. Returns true if it flipped. */
export async function recordFailure(
  services: Services,
  connection: Connection,
  err: ProviderError,
  f: { event: 'refresh_failed' | 'test_failed' | 'api_error'; persistent?: boolean },
): Promise<boolean> {
  const trouble = TROUBLESHOOTING[err.code];
  const flips =
    trouble.effect === 'error' || (trouble.effect === 'error_if_persistent' && Boolean(f.persistent));
  const detail = providerWords(err);
  await addLog(services, {
    teamId: connection.team_id,
    provider: connection.provider,
    connectionId: connection.id,
    level: flips ? 'error' : 'warn',
    event: f.event,
    message: trouble.title,
    providerWords: detail,
    detail: { code: err.code, status: err.details.status, retryAfterSeconds: err.details.retryAfterSeconds },
  });
  if (!flips) {
    await services.db
      .updateTable('connections')
      .set({ last_error_at: new Date(), updated_at: new Date() })
      .where('id', '=', connection.id)
      .execute();
    return false;
  }
  const already = connection.status === 'error' && connection.error_code === err.code;
  await services.db
    .updateTable('connections')
    .set({
      status: 'error',
      error_code: err.code,
      error_message: detail ?? null,
      error_since: already ? connection.error_since : new Date(),
      last_error_at: new Date(),
      updated_at: new Date(),
    })
    .where('id', '=', connection.id)
    .execute();
  if (!already && trouble.notify && connection.connected_by) {
    const name = findProviderDefinition(connection.provider)?.name ?? connection.provider;
    await dm(
      services,
      connection.team_id,
      connection.connected_by,
      brokenDm({ id: connection.provider, name }, trouble),
    );
  }
  return !already;
}

/** Error states that a later success does not clear. */
const STICKY = new Set(['permission_denied', 'grant_revoked']);

/** A success after an Error: back to Connected, and tell whoever connected it. */
export async function recordSuccess(services: Services, connection: Connection): Promise<void> {
  const wasBroken = connection.status === 'error';
  // One call that works does not prove missing permissions were granted: only a Reconnect clears that.
  if (wasBroken && connection.error_code && STICKY.has(connection.error_code)) {
    await services.db
      .updateTable('connections')
      .set({ last_success_at: new Date(), updated_at: new Date() })
      .where('id', '=', connection.id)
      .execute();
    return;
  }
  await services.db
    .updateTable('connections')
    .set({
      status: 'connected',
      error_code: null,
      error_message: null,
      error_since: null,
      refresh_attempts: 0,
      last_success_at: new Date(),
      updated_at: new Date(),
    })
    .where('id', '=', connection.id)
    .where('status', '<>', 'available')
    .execute();
  if (!wasBroken) return;
  await resumeRunsWaitingFor(services, connection.team_id, connection.provider);
  const name = findProviderDefinition(connection.provider)?.name ?? connection.provider;
  await addLog(services, {
    teamId: connection.team_id,
    provider: connection.provider,
    connectionId: connection.id,
    level: 'info',
    event: 'status_change',
    message: `${name} is working again`,
  });
  if (connection.connected_by) {
    await dm(services, connection.team_id, connection.connected_by, recoveredDm({ name }));
  }
}
