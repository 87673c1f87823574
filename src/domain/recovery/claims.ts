/**
 * A job's claim on the row it works on (a handoff run, a trigger event): held until a time, by the job.
 * The queue delivers a job at least once and an instance may queue a second job for the same row, so the
 * job claims the row first and any other job finds it taken. The claim names the job, whose id stays the
 * same across its attempts: its retry — also the one handed back after its process died — takes its own
 * claim over at once instead of waiting for it to run out.
 */
import { sql } from 'kysely';

/** The SET of a claim: `seconds` from now, by `jobId` (none: a caller outside the queue). */
export function claimBy(jobId: string | null, seconds: number) {
  return { claimed_until: sql<Date>`now() + make_interval(secs => ${seconds})`, claimed_by: jobId };
}

/** The WHERE that lets `jobId` claim the row: nobody holds it, the claim ran out, or it is its own. */
export function claimable(jobId: string | null) {
  return jobId
    ? sql<boolean>`(claimed_until is null or claimed_until < now() or claimed_by = ${jobId}::uuid)`
    : sql<boolean>`(claimed_until is null or claimed_until < now())`;
}
