/**
 * The post-meeting actions behind the CSM's buttons: mark the kickoff complete, log notes. Only the
 * account's CSM or a Thread/workspace admin may act on a meeting; the meeting id comes from a button or
 * a modal (untrusted) and must be the team's.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { notesMessage } from '../../views/messages/meetings.js';
import { NOTES_MAX_LENGTH } from '../../views/modals/meetings.js';
import { mayWorkOn } from '../accounts/permission.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { completeMilestone } from '../milestones/change.js';
import { handoffPost } from '../workflows/handoff-post.js';
import { type LoadedMeeting, loadMeeting } from './view.js';

export type Access =
  | { ok: true; found: LoadedMeeting }
  | { ok: false; why: 'not found' }
  | { ok: false; why: 'not yours'; csmUserId: string | null };

/** The meeting, if this person may act on it. */
export async function meetingFor(
  services: Services,
  teamId: string,
  meetingId: string,
  userId: string,
): Promise<Access> {
  const found = await loadMeeting(services, meetingId, teamId);
  if (!found) return { ok: false, why: 'not found' };
  if (await mayWorkOn(services, teamId, userId, found.account)) {
    return { ok: true, found };
  }
  return { ok: false, why: 'not yours', csmUserId: found.account.csmUserId };
}

/**
 * The meeting recorded as held, and the account's kickoff milestone(s) — any not yet done whose name says
 * kickoff ("Kickoff call") — completed through the milestone flow, so the customer channel, the handoff
 * thread and the CRM hear of it as they would from any other way of completing it. Returns the
 * milestones it completed (none when the account has no such milestone, or it was done).
 */
export async function completeKickoff(
  services: Services,
  found: LoadedMeeting,
  userId: string,
): Promise<string[]> {
  const teamId = found.meeting.team_id;
  await services.db
    .updateTable('meetings')
    .set({ completed_at: sql`coalesce(completed_at, now())`, updated_at: sql`now()` })
    .where('id', '=', found.meeting.id)
    .execute();
  const kickoffs = await services.db
    .selectFrom('account_milestones')
    .select('id')
    .where('account_id', '=', found.account.id)
    .where(sql<boolean>`name ~* 'kick[ -]?off'`)
    .where('status', 'not in', ['done', 'skipped'])
    .orderBy('position')
    .execute();
  const done: string[] = [];
  for (const { id } of kickoffs) {
    const r = await completeMilestone(services, { teamId, userId }, id);
    if (r.outcome === 'completed') done.push(r.milestone.name);
  }
  return done;
}

export type NotesOutcome =
  | { outcome: 'empty' | 'too long' }
  | { outcome: 'saved'; postedTo: string | null; threaded: boolean };

/**
 * Saves the notes on the meeting (the account's record of it) and posts them under the handoff post of
 * the account when Thread knows it, else in the handoff channel, else nowhere (saved all the same).
 */
export async function saveNotes(
  services: Services,
  found: LoadedMeeting,
  notes: string,
  userId: string,
): Promise<NotesOutcome> {
  const text = notes.trim();
  if (!text) return { outcome: 'empty' };
  if (text.length > NOTES_MAX_LENGTH) return { outcome: 'too long' };
  const saved = await services.db
    .updateTable('meetings')
    .set({ notes: text, notes_by: userId, notes_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', found.meeting.id)
    .returning('notes_at')
    .executeTakeFirstOrThrow();
  const teamId = found.meeting.team_id;
  const target = await handoffPost(services, teamId, found.account.id);
  if (!target) return { outcome: 'saved', postedTo: null, threaded: false };
  const message = notesMessage(found.view, text, userId);
  await enqueueDelivery(services, {
    teamId,
    channel: target.channel,
    key: `meeting:${found.meeting.id}:notes:${saved.notes_at?.getTime()}`,
    message: target.ts ? { ...message, threadTs: target.ts } : message,
  });
  return { outcome: 'saved', postedTo: target.channel, threaded: Boolean(target.ts) };
}
