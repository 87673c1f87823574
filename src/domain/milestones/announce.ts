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
  milestoneSkipNote,
  milestoneStartedDm,
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
    // Only under the handoff post: a note on its own in the channel would mean nothing to anyone.
    const target = await handoffPost(services, teamId, accountId);
    if (target?.ts) {
      await enqueueDelivery(services, {
        teamId,
        channel: target.channel,
        key: `milestone:${id}:note`,
        message: { ...milestoneNote(view, id, await completedBy(services, id)), threadTs: target.ts },
      });
    }
    await services.jobs.send(ACCOUNT_WRITE_BACK_JOB, { teamId, accountId });
  }

  if (news.skipped) {
    const id = news.skipped.id;
    const target = await handoffPost(services, teamId, accountId);
    if (target?.ts) {
      await enqueueDelivery(services, {
        teamId,
        channel: target.channel,
        // Its own key: a milestone skipped, then started again and completed, still gets its done note.
        key: `milestone:${id}:skip-note`,
        message: { ...milestoneSkipNote(view, id, await completedBy(services, id)), threadTs: target.ts },
      });
    }
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

async function completedBy(services: Services, milestoneId: string): Promise<string | null> {
  const row = await services.db
    .selectFrom('account_milestones')
    .select('completed_by')
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  return row?.completed_by ?? null;
}
