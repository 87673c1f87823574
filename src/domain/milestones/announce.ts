/**
 * What follows a milestone change, each part keyed by the milestone so announcing twice posts nothing
 * twice: a completed milestone → the progress post in the customer channel (a celebration for the
 * go-live one), a one-line note under the account's handoff post, and the CRM write-back (a job); a
 * skipped one → the note and the write-back only; a
 * started milestone → its template actions scheduled, and a DM to the CSM with its buttons when someone
 * else started it (Thread, after the previous one; a manager).
 */
import type { Services } from '../../app/services.js';
import {
  milestoneDonePost,
  milestoneNote,
  milestoneStartedDm,
  type ProgressView,
} from '../../views/messages/milestones.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { openDm } from '../deliveries/dm.js';
import { handoffPost } from '../workflows/handoff-post.js';
import { ACCOUNT_WRITE_BACK_JOB } from '../workflows/waiting.js';
import { scheduleActions } from './actions.js';
import type { MilestoneRef } from './change.js';
import { progressOf } from './progress.js';

export interface ChangeNews {
  completed?: MilestoneRef;
  /** Not needed for this customer: a note in the handoff thread and the CRM's progress, no customer post. */
  skipped?: MilestoneRef;
  started?: MilestoneRef | null;
  /** Who made the change (the CSM is not DMed about what they did themselves). */
  startedBy?: string;
}

export async function announceChange(services: Services, teamId: string, news: ChangeNews): Promise<void> {
  const accountId = news.completed?.accountId ?? news.skipped?.accountId ?? news.started?.accountId;
  if (!accountId) return;
  const view = await progressOf(services.db, teamId, accountId);
  if (!view) return;

  if (news.completed) {
    const id = news.completed.id;
    if (view.customerChannelId) {
      await enqueueDelivery(services, {
        teamId,
        channel: view.customerChannelId,
        key: `milestone:${id}:done`,
        message: milestoneDonePost(view, id),
      });
    }
    await noteUnderHandoff(services, teamId, view, id, 'done');
    await services.jobs.send(ACCOUNT_WRITE_BACK_JOB, { teamId, accountId });
  }

  if (news.skipped) {
    await noteUnderHandoff(services, teamId, view, news.skipped.id, 'skipped');
    await services.jobs.send(ACCOUNT_WRITE_BACK_JOB, { teamId, accountId });
  }

  if (news.started) {
    const id = news.started.id;
    await scheduleActions(services, teamId, id);
    if (view.csmUserId && news.startedBy !== view.csmUserId) {
      const dm = await openDm(services, teamId, view.csmUserId);
      if (dm) {
        await enqueueDelivery(services, {
          teamId,
          channel: dm,
          key: `milestone:${id}:started:dm`,
          message: milestoneStartedDm(view, id, news.startedBy ?? null),
        });
      }
    }
  }
}

/**
 * The one-line note in the handoff post's thread — only there: a note on its own in the channel would mean
 * nothing to anyone. A skip has a key of its own, so a milestone skipped, then started again and completed,
 * still gets its done note.
 */
async function noteUnderHandoff(
  services: Services,
  teamId: string,
  view: ProgressView,
  milestoneId: string,
  how: 'done' | 'skipped',
): Promise<void> {
  const target = await handoffPost(services, teamId, view.accountId);
  if (!target?.ts) return;
  const row = await services.db
    .selectFrom('account_milestones')
    .select('completed_by')
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  await enqueueDelivery(services, {
    teamId,
    channel: target.channel,
    key: how === 'done' ? `milestone:${milestoneId}:note` : `milestone:${milestoneId}:skip-note`,
    message: { ...milestoneNote(view, milestoneId, row?.completed_by ?? null, how), threadTs: target.ts },
  });
}
