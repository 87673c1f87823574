/**
 * The Gong recording of a kickoff through the real app: the calendar sync links the kickoff on Google
 * Calendar and queues the first look a quarter of an hour after its end; each look is the real job on the
 * queue, asking the Gong emulator (`POST /v2/calls/extensive`) for the calls around the meeting. Not there
 * yet: looked for again later, nothing posted. There: saved once on the meeting, one reply under the
 * account's handoff post and one DM to the CSM. Calls at another time, or with a colleague and another
 * customer, are not the recording; a Gong 429 is retried; a broken connection ends the looking quietly.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FIRST_LOOK_AFTER_MS,
  LOOK_AGAIN_AFTER_MS,
  MAX_LOOKS,
  MEETING_RECORDING_JOB,
  type RecordingJob,
} from '../../src/domain/meetings/recording.js';
import { connectVia, useConnectorWorld } from '../connectors/helpers.js';
import type { GongEmulator } from '../emulators/gong.js';
import type { GoogleEmulator } from '../emulators/google.js';
import { addAccount, addHandoffPost, inSeconds, meetingsOf, postsTo, syncNow } from './helpers.js';

const world = useConnectorWorld();
const HANDOFF = { channel: 'C0HANDOFF', ts: '1764400000.000200' };
const CSM_DM = 'DUMEMBER';
/** Thread's own people: the AE and the CSM share a domain that says nothing about the customer. */
const AE = 'gob@ourco.example';
const CSM_EMAIL = 'mo@ourco.example';
const MINUTE = 60_000;
let gong: GongEmulator;
let accountId: string;
let meetingId: string;
let startsAt: string;
let endsAt: string;
const db = () => world.app.thread.services.db;

interface QueuedLook {
  id: string;
  state: string;
  data: RecordingJob;
  output: Record<string, unknown> | null;
  retry_count: number;
  start_after: Date;
}

/** The meeting's looks on the queue, oldest first. */
async function looks(): Promise<QueuedLook[]> {
  const rows = await sql<QueuedLook>`select id, state, data, output, retry_count, start_after
    from pgboss.job where name = ${MEETING_RECORDING_JOB} and data->>'meetingId' = ${meetingId}
    order by created_on`.execute(db());
  return rows.rows;
}

/** Waits until the look `id` has finished on the queue (retries included); returns its row. */
async function finished(id: string): Promise<QueuedLook> {
  return world.app.until(
    async () => (await looks()).find((l) => l.id === id && (l.state === 'completed' || l.state === 'failed')),
    `the recording look ${id}`,
    20_000,
  );
}

/** One look, run by the job's worker as the queue runs it. */
async function lookNow(data: Partial<RecordingJob> = {}): Promise<QueuedLook> {
  const id = await world.app.thread.jobs.send(MEETING_RECORDING_JOB, {
    meetingId,
    endsAt,
    attempt: 1,
    ...data,
  });
  if (!id) throw new Error('look not queued');
  return finished(id);
}

const recordingPosts = (channel: string) =>
  postsTo(world.app, channel).filter((p) => p.text.includes('Recording of'));

async function savedRecording() {
  return db()
    .selectFrom('meetings')
    .select(['recording_call_id', 'recording_url', 'recording_title', 'recording_found_at'])
    .where('id', '=', meetingId)
    .executeTakeFirstOrThrow();
}

const at = (offsetMs: number) => new Date(Date.parse(startsAt) + offsetMs).toISOString();

beforeAll(async () => {
  const google = world.emulators.byId.google as GoogleEmulator;
  gong = world.emulators.byId.gong as GongEmulator;
  await connectVia(world.app, google, 'google');
  accountId = await addAccount(world.app, { name: 'Bluth', domain: 'bluth.example', aeEmail: AE });
  await addHandoffPost(world.app, accountId, HANDOFF);
  // A 45-minute kickoff about to end when Thread first sees it.
  startsAt = inSeconds(-44 * 60);
  endsAt = inSeconds(60);
  google.calendar.put({
    id: 'bluth-kickoff',
    summary: 'Bluth kickoff',
    start: { dateTime: startsAt },
    end: { dateTime: endsAt },
    attendees: [{ email: 'lucille@bluth.example' }, { email: AE }, { email: CSM_EMAIL }],
  });
  await syncNow(world.app, 'google');
  meetingId = (await meetingsOf(world.app, accountId))[0]!.id;
});

describe('the Gong recording of a kickoff', () => {
  it('the sync queues the first look a quarter of an hour after the end; without Gong it finds nothing to ask', async () => {
    const [first, ...others] = await looks();
    expect(others).toEqual([]);
    expect(first).toMatchObject({ state: 'created', data: { meetingId, endsAt, attempt: 1 } });
    expect(first!.start_after.getTime()).toBe(Date.parse(endsAt) + FIRST_LOOK_AFTER_MS);

    expect((await lookNow()).output).toEqual({ outcome: 'skipped', why: 'no call recorder connected' });
    // A look set for another end: the meeting moved, and the sync queued looks for the new one.
    expect((await lookNow({ endsAt: at(30 * MINUTE) })).output).toEqual({ outcome: 'skipped', why: 'moved' });
  });

  it('Gong connected, no recording yet: nothing attached or posted, looked for again in half an hour', async () => {
    await connectVia(world.app, gong, 'gong');
    gong.calls.push(
      // With the customer, but 35 minutes after the start: another call (inside the window asked for).
      {
        id: '8100000000000000001',
        title: 'Bluth pricing follow-up',
        started: at(35 * MINUTE),
        duration: 900,
        parties: [{ name: 'Lucille Bluth', emailAddress: 'lucille@bluth.example', affiliation: 'External' }],
      },
      // At the kickoff's hour, but the CSM with another customer.
      {
        id: '8100000000000000002',
        title: 'Globex check-in',
        started: at(MINUTE),
        duration: 1800,
        parties: [
          { name: 'Mo', emailAddress: CSM_EMAIL, affiliation: 'Internal' },
          { name: 'Hank Scorpio', emailAddress: 'hank@globex.example', affiliation: 'External' },
        ],
      },
    );
    const asked = gong.extensive.requests.length;
    const look = await lookNow();
    expect(look.output).toMatchObject({ outcome: 'looking again', attempt: 2 });
    // Asked for the calls that started from 15 minutes before the start to an hour after the end.
    expect(gong.extensive.requests.slice(asked)).toEqual([
      expect.objectContaining({
        filter: {
          fromDateTime: at(-15 * MINUTE),
          toDateTime: new Date(Date.parse(endsAt) + 60 * MINUTE).toISOString(),
        },
      }),
    ]);
    const next = (await looks()).find((l) => l.data.attempt === 2)!;
    expect(next.state).toBe('created');
    expect(next.start_after.getTime() - Date.parse(look.output!.at as string)).toBe(0);
    expect(Math.abs(next.start_after.getTime() - (Date.now() + LOOK_AGAIN_AFTER_MS))).toBeLessThan(10_000);
    expect((await savedRecording()).recording_call_id).toBeNull();

    // The last look finds nothing either: Thread stops looking (no further look is queued).
    const queued = (await looks()).length;
    expect((await lookNow({ attempt: MAX_LOOKS })).output).toEqual({
      outcome: 'gave up',
      why: `no recording after ${MAX_LOOKS} looks`,
    });
    expect(await looks()).toHaveLength(queued + 1);
    expect(recordingPosts(HANDOFF.channel)).toEqual([]);
    expect(recordingPosts(CSM_DM)).toEqual([]);
  });

  it('Gong’s connection in Error (access revoked): the look gives up quietly, asks Gong nothing, posts nothing', async () => {
    const broken = { status: 'error' as const, error_code: 'grant_revoked' };
    await db().updateTable('connections').set(broken).where('provider', '=', 'gong').execute();
    const asked = gong.extensive.requests.length;
    const queued = (await looks()).length;
    expect((await lookNow()).output).toEqual({ outcome: 'gave up', why: 'Gong: Token expired' });
    expect(gong.extensive.requests.length).toBe(asked);
    expect(await looks()).toHaveLength(queued + 1);
    expect((await savedRecording()).recording_call_id).toBeNull();
    await db()
      .updateTable('connections')
      .set({ status: 'connected', error_code: null })
      .where('provider', '=', 'gong')
      .execute();
  });

  it('the recording appears: the queued look (after a Gong 429, retried) attaches it once, one reply under the handoff post, one DM', async () => {
    gong.calls.push({
      id: '8100000000000000003',
      title: 'Bluth <!channel> kickoff',
      started: at(2 * MINUTE),
      duration: 44 * 60,
      parties: [
        { name: 'Lucille Bluth', emailAddress: 'lucille@bluth.example', affiliation: 'External' },
        { name: 'Mo', emailAddress: CSM_EMAIL, affiliation: 'Internal' },
      ],
    });
    gong.failNext('api', gong.fault(429, { retryAfter: 1 }));
    // Half an hour later, as far as the queue knows: the look queued by the second test is due now.
    const queued = (await looks()).find((l) => l.data.attempt === 2 && l.state === 'created')!;
    await sql`update pgboss.job set start_after = now() where id = ${queued.id}`.execute(db());
    const look = await finished(queued.id);
    expect(look.state).toBe('completed');
    expect(look.retry_count).toBe(1);
    expect(look.output).toEqual({
      outcome: 'attached',
      callId: '8100000000000000003',
      postedTo: [HANDOFF.channel, CSM_DM],
    });
    const saved = await savedRecording();
    expect(saved).toMatchObject({
      recording_call_id: '8100000000000000003',
      recording_url: 'https://app.gong.io/call?id=8100000000000000003',
      recording_title: 'Bluth <!channel> kickoff',
    });
    expect(saved.recording_found_at).toBeInstanceOf(Date);

    const reply = await world.app.until(
      () => recordingPosts(HANDOFF.channel)[0],
      'the reply under the handoff',
    );
    expect(reply.args.thread_ts).toBe(HANDOFF.ts);
    const dm = await world.app.until(() => recordingPosts(CSM_DM)[0], 'the DM to the CSM');
    for (const post of [reply, dm]) {
      const shown = JSON.stringify(post.args.blocks);
      expect(shown).toContain(
        ':movie_camera: Recording of *Bluth &lt;!channel&gt; kickoff* with *Bluth*: <https://app.gong.io/call?id=8100000000000000003|open in Gong> — 44 min, with Lucille Bluth, Mo',
      );
      expect(shown).not.toContain('<!channel>');
      expect(post.text).not.toContain('<!channel>');
    }
  }, 30_000);

  it('a later look changes nothing and posts nothing more', async () => {
    const before = await savedRecording();
    expect((await lookNow({ attempt: 3 })).output).toEqual({ outcome: 'skipped', why: 'already attached' });
    expect(await savedRecording()).toEqual(before);
    // Time for a second post to have gone out, had one been stored.
    await new Promise((r) => setTimeout(r, 2500));
    expect(recordingPosts(HANDOFF.channel)).toHaveLength(1);
    expect(recordingPosts(CSM_DM)).toHaveLength(1);
  });
});
