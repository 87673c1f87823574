/**
 * The check in front of every manager-only button on App Home: true when this person may; otherwise
 * their Home tab says, at the top, what only managers can do and who to ask (buttons on Home have no
 * response_url, so the answer goes where they clicked).
 */
import type { Services } from '../../../app/services.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';

export async function managerOrSayWho(
  services: Services,
  teamId: string,
  userId: string,
  /** What they tried, as in "Only workspace admins and Thread admins can <doing>." */
  doing: string,
): Promise<boolean> {
  if (await canManage(services, teamId, userId)) return true;
  const helpers = whoCanHelp(await threadAdmins(services, teamId));
  await publishHome(
    services,
    teamId,
    userId,
    `Only workspace admins and Thread admins can ${doing}. ${helpers}.`,
  );
  return false;
}
