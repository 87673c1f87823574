/**
 * Who may link or create an account's customer channel: managers (the one manager check, which refuses
 * people from other workspaces and guests) and the account's own CSM.
 */
import type { Services } from '../../app/services.js';
import { canManage } from '../connections/permissions.js';
import type { NamedAccount } from './accounts.js';

export async function mayChangeChannel(
  services: Services,
  teamId: string,
  userId: string,
  account: NamedAccount,
): Promise<boolean> {
  return account.csmUserId === userId || canManage(services, teamId, userId);
}
