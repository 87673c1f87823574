/**
 * Who may work on an account — link its customer channel, start and complete its milestones, act on its
 * meetings: its own CSM and managers (the one manager check, which refuses people from other workspaces
 * and guests, so a customer in a shared channel never can).
 */
import type { Services } from '../../app/services.js';
import { canManage } from '../connections/permissions.js';

export async function mayWorkOn(
  services: Services,
  teamId: string,
  userId: string,
  account: { csmUserId: string | null },
): Promise<boolean> {
  return account.csmUserId === userId || canManage(services, teamId, userId);
}
