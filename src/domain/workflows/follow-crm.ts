/**
 * Two-way: when someone changes, in the CRM, a field Thread writes back (the onboarding stage, the
 * CSM), the account follows.
 *
 * Echoes of Thread's own writes change nothing, by two rules that need no memory of each write:
 * - a value equal to the account's is no change (the usual echo: Thread wrote exactly that);
 * - a change older than Thread's last write-back to the record is no longer the CRM's state (Thread's
 *   write overwrote it there), so following it would undo a newer value — and start a loop.
 * A CSM is found in the team's active pool by the words Thread writes (their email) or, as people type
 * them, their Slack user id, username or real name. A value that names no one in the pool, or a stage
 * Thread does not have, changes nothing: it is logged and kept on the account for `/thread account`.
 */
import type { AccountStage } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import type { OwnedField } from '../../providers/types.js';
import { csmPool } from '../accounts/csm-pool.js';

const STAGES: readonly AccountStage[] = ['new', 'onboarding', 'live', 'closed'];

export type FollowOutcome =
  | 'followed'
  | 'unchanged'
  | 'older than our last write'
  | 'no such account'
  | 'not understood';

export async function followCrmChange(
  services: Services,
  input: {
    teamId: string;
    source: string;
    externalId: string;
    field: OwnedField;
    value: string;
    occurredAt: string;
  },
): Promise<FollowOutcome> {
  const { db } = services;
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'stage', 'csm_user_id', 'crm_written_at'])
    .where('team_id', '=', input.teamId)
    .where('source', '=', input.source as never)
    .where('external_id', '=', input.externalId)
    .executeTakeFirst();
  if (!account) return 'no such account';
  if (account.crm_written_at && new Date(input.occurredAt) < account.crm_written_at) {
    return 'older than our last write';
  }
  const value = input.value.trim();
  if (input.field === 'onboarding_stage') {
    const stage = value.toLowerCase() as AccountStage;
    if (!STAGES.includes(stage)) {
      return notUnderstood(
        services,
        account.id,
        `the CRM set the onboarding stage to “${value}”, which Thread does not have (new, onboarding, live, closed)`,
      );
    }
    if (stage === account.stage) return 'unchanged';
    await db
      .updateTable('accounts')
      .set({ stage, crm_follow_note: null, updated_at: new Date() })
      .where('id', '=', account.id)
      .execute();
    return 'followed';
  }
  if (!value) {
    // Thread keeps someone on every onboarding: clearing the field in the CRM does not unassign.
    return notUnderstood(services, account.id, 'the CSM was cleared in the CRM; the account keeps its CSM');
  }
  const csm = await poolMemberNamed(services, input.teamId, value);
  if (!csm) {
    return notUnderstood(
      services,
      account.id,
      `the CRM set the CSM to “${value}”, who is not in the CSM pool (use their email)`,
    );
  }
  if (csm === account.csm_user_id) return 'unchanged';
  await db
    .updateTable('accounts')
    .set({ csm_user_id: csm, crm_follow_note: null, updated_at: new Date() })
    .where('id', '=', account.id)
    .execute();
  return 'followed';
}

async function notUnderstood(services: Services, accountId: string, note: string): Promise<FollowOutcome> {
  await services.db
    .updateTable('accounts')
    .set({ crm_follow_note: note.slice(0, 500) })
    .where('id', '=', accountId)
    .execute();
  return 'not understood';
}

/** The active pool member the CRM's words name: email, Slack user id, username or real name (any case). */
async function poolMemberNamed(
  services: Services,
  teamId: string,
  words: string,
): Promise<string | undefined> {
  if (!words) return undefined;
  const wanted = words.toLowerCase();
  const client = await services.slackClient(teamId);
  for (const member of await csmPool(services.db, teamId)) {
    if (member.userId.toLowerCase() === wanted) return member.userId;
    const { user } = await client.users.info({ user: member.userId });
    const names = [user?.profile?.email, user?.name, user?.real_name, user?.profile?.display_name];
    if (names.some((n) => n && n.toLowerCase() === wanted)) return member.userId;
  }
  return undefined;
}
