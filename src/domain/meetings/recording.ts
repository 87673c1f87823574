/**
 * A meeting's recording: some minutes after the meeting ends, Thread asks the connected call recorder
 * (Gong) for the call, and looks again every half hour until it is there or Thread stops looking. The
 * call found is saved on the meeting and posted under the account's handoff post and to the CSM's DM.
 *
 * What this relies on from Gong (help.gong.io/apidocs):
 * - `POST /v2/calls/extensive` (retrieve-detailed-call-data-by-various-filters-v2callsextensive-2) lists
 *   the calls whose start is in `[filter.fromDateTime, filter.toDateTime)`; the provider's `recentCalls`
 *   asks it for a window around the meeting and keeps the calls with the customer on them.
 * - `GET /v2/calls` (retrieve-call-data-by-date-range-v2calls-2): "for web-conference calls, the date is
 *   the scheduled time, otherwise it's the actual start time" — a recorded calendar meeting starts, for
 *   Gong, at about the meeting's start, which is what the matching below leans on.
 * - A call appears once Gong has imported the recording, after the meeting "is completed" (record-a-web-
 *   conference-call); the docs give no delay, hence a first look a quarter of an hour after the end and
 *   then a few more.
 */
import { sql } from 'kysely';
import type { Services } from '../../app/services.js';
import { type CallFacts, type CallQuery, ProviderError } from '../../providers/types.js';
import { type RecordingView, recordingMessage } from '../../views/messages/meetings.js';
import { withProvider } from '../connections/tokens.js';
import { TROUBLESHOOTING } from '../connections/troubleshooting.js';
import { type DeliveryRequest, enqueueDeliveries } from '../deliveries/deliveries.js';
import { openDm } from '../deliveries/dm.js';
import { connectedCallSource } from '../workflows/gong-context.js';
import { handoffPost } from '../workflows/handoff-post.js';
import { type LoadedMeeting, loadMeeting } from './view.js';

export const MEETING_RECORDING_JOB = 'meeting-recording';

export interface RecordingJob {
  meetingId: string;
  /** The end this look was set for (ISO): a moved meeting's old looks do nothing. */
  endsAt: string;
  /** 1 for the first look after the meeting, 2 for the next… */
  attempt: number;
}

/** The first look: Gong needs a while after the end to import a recording. */
export const FIRST_LOOK_AFTER_MS = 15 * 60_000;
export const LOOK_AGAIN_AFTER_MS = 30 * 60_000;
/** Looks in all: the last one about 2¾ hours after the end; a recording later than that is not coming. */
export const MAX_LOOKS = 6;
/** The calls asked for: from a little before the start (people join early) to an hour after the end. */
const WINDOW_BEFORE_START_MS = 15 * 60_000;
const WINDOW_AFTER_END_MS = 60 * 60_000;
/** The recording is the call that started closest to the meeting's start, at most this far from it. */
const MATCH_WITHIN_MS = 30 * 60_000;
/** More than a customer has calls in a two-hour window; the closest is chosen among them. */
const CALLS_ASKED = 20;

export type RecordingOutcome =
  | { outcome: 'attached'; callId: string; postedTo: string[] }
  | { outcome: 'looking again'; attempt: number; at: string }
  | { outcome: 'gave up'; why: string }
  | {
      outcome: 'skipped';
      why:
        | 'gone'
        | 'cancelled'
        | 'moved'
        | 'already attached'
        | 'no call recorder connected'
        | 'nothing to match';
    };

/** Queues one look for the meeting's recording. */
export async function queueRecordingLook(services: Services, job: RecordingJob, at: Date): Promise<void> {
  await services.jobs.send(MEETING_RECORDING_JOB, job, { startAfter: at });
}

/**
 * One look. Gong's 429s and 5xx are thrown so the job retries them; on the job's last try they count as
 * a look that found nothing. Failures no retry fixes (the connection goes to Error: revoked, missing
 * permission) end the looking, quietly: the connection's own status and DM say what is wrong.
 */
export async function lookForRecording(
  services: Services,
  job: RecordingJob,
  options: { lastTry: boolean; now?: Date },
): Promise<RecordingOutcome> {
  const found = await loadMeeting(services, job.meetingId);
  if (!found) return { outcome: 'skipped', why: 'gone' };
  const { meeting } = found;
  if (meeting.status === 'cancelled') return { outcome: 'skipped', why: 'cancelled' };
  if (meeting.ends_at.toISOString() !== job.endsAt) return { outcome: 'skipped', why: 'moved' };
  if (meeting.recording_call_id) return { outcome: 'skipped', why: 'already attached' };
  const source = await connectedCallSource(services, meeting.team_id);
  if (!source) return { outcome: 'skipped', why: 'no call recorder connected' };
  const query = await callQuery(services, found);
  if (!query) return { outcome: 'skipped', why: 'nothing to match' };

  let calls: CallFacts[];
  try {
    calls = await withProvider(services, source.connection, (ctx) =>
      source.def.calls.recentCalls(ctx, query),
    );
  } catch (err) {
    if (err instanceof ProviderError && TROUBLESHOOTING[err.code].effect === 'error') {
      return giveUp(services, job, `${source.def.name}: ${TROUBLESHOOTING[err.code].title}`);
    }
    if (!options.lastTry) throw err;
    calls = [];
  }
  const call = closestCall(calls, meeting.starts_at);
  if (!call) return lookAgain(services, job, options.now ?? new Date());

  // Announced before it is saved: a crash in between leaves it unsaved, the next look finds it again and
  // its posts are already stored under their keys. The other way round, a crash would lose the posts.
  const postedTo = await announce(services, found, recordingView(call, source.def.name));
  const saved = await services.db
    .updateTable('meetings')
    .set({
      recording_call_id: call.id,
      recording_url: call.url,
      recording_title: call.title,
      recording_found_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', meeting.id)
    .where('recording_call_id', 'is', null)
    .executeTakeFirst();
  if (!saved.numUpdatedRows) return { outcome: 'skipped', why: 'already attached' };
  return { outcome: 'attached', callId: call.id, postedTo };
}

/**
 * The customer's side of the meeting: the account's domain and the attendees — minus Thread's own people
 * (the AE's domain), who are on many customers' calls: a colleague's call with another customer at the
 * same hour is not this meeting's recording.
 */
async function callQuery(services: Services, found: LoadedMeeting): Promise<CallQuery | undefined> {
  const { meeting } = found;
  const account = await services.db
    .selectFrom('accounts')
    .select(['domain', 'ae_email'])
    .where('id', '=', meeting.account_id)
    .executeTakeFirstOrThrow();
  const ours = account.ae_email ? hostOf(account.ae_email) : null;
  const emails = meeting.attendees.filter((e) => e.includes('@') && hostOf(e) !== ours);
  const domain = account.domain?.trim() || null;
  if (!domain && !emails.length) return undefined;
  return {
    domain,
    emails,
    from: new Date(meeting.starts_at.getTime() - WINDOW_BEFORE_START_MS).toISOString(),
    to: new Date(meeting.ends_at.getTime() + WINDOW_AFTER_END_MS).toISOString(),
    limit: CALLS_ASKED,
  };
}

function hostOf(email: string): string {
  return email
    .slice(email.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
}

/** The call that started closest to the meeting's start, within MATCH_WITHIN_MS of it. */
function closestCall(calls: CallFacts[], startsAt: Date): CallFacts | undefined {
  const distance = (c: CallFacts) => Math.abs(Date.parse(c.startedAt) - startsAt.getTime());
  return calls.filter((c) => distance(c) <= MATCH_WITHIN_MS).sort((a, b) => distance(a) - distance(b))[0];
}

function recordingView(call: CallFacts, sourceName: string): RecordingView {
  return {
    title: call.title,
    url: call.url,
    durationSeconds: call.durationSeconds,
    participants: call.participants.map((p) => p.name ?? p.email).filter((n): n is string => Boolean(n)),
    sourceName,
  };
}

/** One reply under the account's handoff post (the channel when there is none) and one DM to the CSM. */
async function announce(services: Services, found: LoadedMeeting, view: RecordingView): Promise<string[]> {
  const { meeting, account } = found;
  const teamId = meeting.team_id;
  const message = recordingMessage(found.view, view);
  const key = `meeting:${meeting.id}:recording`;
  const requests: DeliveryRequest[] = [];
  const target = await handoffPost(services, teamId, account.id);
  if (target) {
    requests.push({
      teamId,
      channel: target.channel,
      key: `${key}:handoff`,
      message: target.ts ? { ...message, threadTs: target.ts } : message,
    });
  }
  const dm = account.csmUserId ? await openDm(services, teamId, account.csmUserId) : null;
  if (dm) requests.push({ teamId, channel: dm, key: `${key}:csm`, message });
  await enqueueDeliveries(services, requests);
  return requests.map((r) => r.channel);
}

async function lookAgain(services: Services, job: RecordingJob, now: Date): Promise<RecordingOutcome> {
  if (job.attempt >= MAX_LOOKS) return giveUp(services, job, `no recording after ${job.attempt} looks`);
  const next = { ...job, attempt: job.attempt + 1 };
  const at = new Date(now.getTime() + LOOK_AGAIN_AFTER_MS);
  await queueRecordingLook(services, next, at);
  return { outcome: 'looking again', attempt: next.attempt, at: at.toISOString() };
}

function giveUp(services: Services, job: RecordingJob, why: string): RecordingOutcome {
  services.logger.info({ meetingId: job.meetingId, attempt: job.attempt, why }, 'meeting recording: gave up');
  return { outcome: 'gave up', why };
}
