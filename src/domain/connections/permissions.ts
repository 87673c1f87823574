/**
 * Who may connect, reconnect or disconnect: workspace admins and owners (per Slack's users.info), and
 * the team's Thread admins list. People from another workspace (Slack Connect) and guests never are. Checked on the server for every such action — action values and view
 * metadata are untrusted input.
 */
import type { Services } from '../../app/services.js';
import { isOutsider } from '../channels/people.js';

export async function canManage(services: Services, teamId: string, userId: string): Promise<boolean> {
  const listed = await services.db
    .selectFrom('thread_admins')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (listed) return true;
  try {
    const client = await services.slackClient(teamId);
    const info = await client.users.info({ user: userId });
    // In a Slack Connect channel the customer's own admins are admins — of their workspace, not ours.
    if (!info.user || isOutsider(info.user, teamId)) return false;
    return Boolean(info.user.is_admin || info.user.is_owner || info.user.is_primary_owner);
  } catch (err) {
    services.logger.warn({ err, team: teamId }, 'users.info failed; treating the user as not an admin');
    return false;
  }
}

export async function threadAdmins(services: Services, teamId: string): Promise<string[]> {
  const rows = await services.db
    .selectFrom('thread_admins')
    .select('user_id')
    .where('team_id', '=', teamId)
    .orderBy('added_at')
    .execute();
  return rows.map((r) => r.user_id);
}

export async function addThreadAdmin(
  services: Services,
  teamId: string,
  userId: string,
  by: string,
): Promise<void> {
  await services.db
    .insertInto('thread_admins')
    .values({ team_id: teamId, user_id: userId, added_by: by })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
    .execute();
}

export async function removeThreadAdmin(
  services: Services,
  teamId: string,
  userId: string,
): Promise<boolean> {
  const r = await services.db
    .deleteFrom('thread_admins')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** "Ask <@U1> or <@U2>", naming Thread admins, for a polite refusal. */
export function whoCanHelp(admins: string[]): string {
  if (!admins.length) return 'Ask a workspace admin or owner';
  return `Ask a workspace admin or owner, or a Thread admin (${admins.map((u) => `<@${u}>`).join(', ')})`;
}
