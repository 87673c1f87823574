/**
 * Where an account's handoff was posted: its thread is where later news about the account goes for the
 * team (meeting notes, milestones done), so the story of an onboarding reads in one place.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { workflowSettings } from './settings.js';

/** Where the account's handoff was posted (the delivered channel post of its latest run), or the channel. */
export async function handoffPost(
  services: Services,
  teamId: string,
  accountId: string,
): Promise<{ channel: string; ts: string | null } | undefined> {
  const posted = await services.db
    .selectFrom('workflow_runs as r')
    .innerJoin('deliveries as d', (j) =>
      j.onRef('d.team_id', '=', 'r.team_id').on('d.key', '=', sql<string>`'handoff:' || r.id || ':channel'`),
    )
    .select(['d.channel', 'd.slack_ts'])
    .where('r.team_id', '=', teamId)
    .where('r.account_id', '=', accountId)
    .where('d.status', '=', 'delivered')
    .orderBy('r.created_at', 'desc')
    .executeTakeFirst();
  if (posted?.slack_ts) return { channel: posted.channel, ts: posted.slack_ts };
  const { handoffChannelId } = await workflowSettings(services.db, teamId);
  return handoffChannelId ? { channel: handoffChannelId, ts: null } : undefined;
}
