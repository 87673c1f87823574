/**
 * Starting, completing and skipping an account's milestones — from the account view in App Home, the CSM's DM,
 * `/thread milestone`, or the post-meeting "Mark kickoff complete". Only the account's CSM and managers
 * may (see accounts/permission.ts); the milestone id comes from a button (untrusted) and must be the
 * team's.
 *
 * Each change is one conditional UPDATE, so two clicks at once (or a click and a command) change it
 * once. Completing a milestone starts the next one when none is in progress, and completing the go-live
 * milestone makes the account live. A milestone this customer does not need is skipped: it counts toward
 * progress and the next one starts, but the customer channel hears nothing of it (a skip is the team's
 * decision, not news); the go-live milestone is never skipped — it is what makes the account live. What follows a change — the customer-channel post, the note in the
 * handoff thread, the CSM's DM, the CRM write-back, the template's actions — is `announce.ts`, keyed by
 * the milestone, so doing it again (a repeated click on a milestone already done) heals a crash that
 * came between the change and its announcement, and doubles nothing.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { Services } from '../../app/services.js';
import { mayWorkOn } from '../accounts/permission.js';
import { announceChange } from './announce.js';

export interface MilestoneRef {
  id: string;
  accountId: string;
  position: number;
  name: string;
}

export type ChangeResult =
  | {
      outcome: 'completed' | 'already done';
      milestone: MilestoneRef;
      /** The milestone this started (the next one), if any. */
      started: MilestoneRef | null;
      wentLive: boolean;
    }
  | { outcome: 'started' | 'already started' | 'already done'; milestone: MilestoneRef }
  | {
      outcome: 'skipped';
      milestone: MilestoneRef;
      /** The milestone this started (the next one), if any. */
      started: MilestoneRef | null;
    }
  | { outcome: 'skipped milestone' | 'already skipped' | 'go-live kept'; milestone: MilestoneRef }
  | { outcome: 'not found' }
  | { outcome: 'not yours'; csmUserId: string | null };

interface Actor {
  teamId: string;
  userId: string;
}

/**
 * Runs `change` on the milestone when it is the team's and this person may work on its account; else
 * says which of the two it is not. The one door both changes go through.
 */
async function withAccess(
  services: Services,
  actor: Actor,
  milestoneId: string,
  change: (milestone: MilestoneRef, status: string) => Promise<ChangeResult>,
): Promise<ChangeResult> {
  const row = await services.db
    .selectFrom('account_milestones as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['m.id', 'm.account_id as accountId', 'm.position', 'm.name', 'm.status', 'a.csm_user_id'])
    .where('a.team_id', '=', actor.teamId)
    // A forged id that is not a uuid must read as "not found", not as a database error.
    .where(sql<string>`m.id::text`, '=', milestoneId)
    .executeTakeFirst();
  if (!row) return { outcome: 'not found' };
  if (!(await mayWorkOn(services, actor.teamId, actor.userId, { csmUserId: row.csm_user_id }))) {
    return { outcome: 'not yours', csmUserId: row.csm_user_id };
  }
  const { csm_user_id: _csm, status, ...milestone } = row;
  return change(milestone, status);
}

export function completeMilestone(
  services: Services,
  actor: Actor,
  milestoneId: string,
): Promise<ChangeResult> {
  return withAccess(services, actor, milestoneId, async (milestone, status) => {
    if (status === 'skipped') return { outcome: 'skipped milestone', milestone };
    const change = await services.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('account_milestones')
        .set({
          status: 'done',
          completed_at: sql`now()`,
          completed_by: actor.userId,
          started_at: sql`coalesce(started_at, now())`,
          started_by: sql`coalesce(started_by, ${actor.userId})`,
        })
        .where('id', '=', milestone.id)
        .where('status', 'in', ['pending', 'in_progress'])
        .returning(['go_live'])
        .executeTakeFirst();
      if (!done) return undefined;
      const wentLive = done.go_live ? await goLive(trx, milestone.accountId) : false;
      const started = await startNext(trx, milestone.accountId, actor.userId);
      return { wentLive, started };
    });
    if (!change) {
      // Done before (another click, the command, a kickoff marked complete): announce again — every part
      // is keyed, so this only fills in what a crash may have left out — and say so.
      await announceChange(services, actor.teamId, { completed: milestone });
      return { outcome: 'already done', milestone, started: null, wentLive: false };
    }
    await announceChange(services, actor.teamId, {
      completed: milestone,
      started: change.started,
      startedBy: actor.userId,
    });
    return { outcome: 'completed', milestone, ...change };
  });
}

export function startMilestone(services: Services, actor: Actor, milestoneId: string): Promise<ChangeResult> {
  return withAccess(services, actor, milestoneId, async (milestone, status) => {
    if (status === 'done') return { outcome: 'already done', milestone };
    const started = await services.db
      .updateTable('account_milestones')
      .set({ status: 'in_progress', started_at: sql`now()`, started_by: actor.userId })
      .where('id', '=', milestone.id)
      .where('status', 'in', ['pending', 'skipped'])
      .returning('id')
      .executeTakeFirst();
    await announceChange(services, actor.teamId, { started: milestone, startedBy: actor.userId });
    return { outcome: started ? 'started' : 'already started', milestone };
  });
}

export function skipMilestone(services: Services, actor: Actor, milestoneId: string): Promise<ChangeResult> {
  return withAccess(services, actor, milestoneId, async (milestone, status) => {
    if (status === 'done') return { outcome: 'already done', milestone };
    const change = await services.db.transaction().execute(async (trx) => {
      const skipped = await trx
        .updateTable('account_milestones')
        .set({ status: 'skipped', completed_at: sql`now()`, completed_by: actor.userId })
        .where('id', '=', milestone.id)
        .where('status', 'in', ['pending', 'in_progress'])
        .where('go_live', '=', false)
        .returning('id')
        .executeTakeFirst();
      if (!skipped) return undefined;
      return { started: await startNext(trx, milestone.accountId, actor.userId) };
    });
    if (!change) {
      const now = await services.db
        .selectFrom('account_milestones')
        .select(['status', 'go_live'])
        .where('id', '=', milestone.id)
        .executeTakeFirst();
      if (now?.status === 'done') return { outcome: 'already done', milestone };
      if (now?.status !== 'skipped') return { outcome: 'go-live kept', milestone };
      // Skipped before: announce again (keyed: it only fills in what a crash may have left out).
      await announceChange(services, actor.teamId, { skipped: milestone });
      return { outcome: 'already skipped', milestone };
    }
    await announceChange(services, actor.teamId, {
      skipped: milestone,
      started: change.started,
      startedBy: actor.userId,
    });
    return { outcome: 'skipped', milestone, ...change };
  });
}

/** Live now, unless it already was (or was closed): true when this call made it live. */
async function goLive(trx: Transaction<DB>, accountId: string): Promise<boolean> {
  const live = await trx
    .updateTable('accounts')
    .set({ stage: 'live', live_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', accountId)
    .where('stage', 'in', ['new', 'onboarding'])
    .returning('id')
    .executeTakeFirst();
  return Boolean(live);
}

/** The next milestone in order starts when nothing else is in progress; returns it. */
async function startNext(
  trx: Transaction<DB>,
  accountId: string,
  userId: string,
): Promise<MilestoneRef | null> {
  const busy = await trx
    .selectFrom('account_milestones')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'in_progress')
    .executeTakeFirst();
  if (busy) return null;
  const next = await trx
    .updateTable('account_milestones')
    .set({ status: 'in_progress', started_at: sql`now()`, started_by: userId })
    .where(
      'id',
      '=',
      trx
        .selectFrom('account_milestones')
        .select('id')
        .where('account_id', '=', accountId)
        .where('status', '=', 'pending')
        .orderBy('position')
        .limit(1),
    )
    .returning(['id', 'account_id as accountId', 'position', 'name'])
    .executeTakeFirst();
  return next ?? null;
}

/** An account's milestones by what a person typed: a number ("2"), the exact name, or part of it. */
export async function milestoneNamed(
  db: Kysely<DB>,
  accountId: string,
  typed: string,
): Promise<{ found: 'one'; milestone: MilestoneRef } | { found: 'none' | 'several'; names: string[] }> {
  const all = await db
    .selectFrom('account_milestones')
    .select(['id', 'account_id as accountId', 'position', 'name'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  const wanted = typed.trim().toLowerCase();
  const byNumber = /^\d+$/.test(wanted) ? all[Number(wanted) - 1] : undefined;
  if (byNumber) return { found: 'one', milestone: byNumber };
  const exact = all.filter((m) => m.name.toLowerCase() === wanted);
  const matches = exact.length ? exact : all.filter((m) => m.name.toLowerCase().includes(wanted));
  if (matches.length === 1) return { found: 'one', milestone: matches[0]! };
  return {
    found: matches.length ? 'several' : 'none',
    names: (matches.length ? matches : all).map((m) => m.name),
  };
}
