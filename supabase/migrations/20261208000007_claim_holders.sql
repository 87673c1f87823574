-- Which job holds a handoff run's, a delivery's or a trigger event's claim. A job whose process died is
-- handed back to the queue under the same id (src/app/job-liveness.ts): its next attempt takes over the
-- claim the dead one left, instead of waiting minutes for it to run out. A trigger event gets a claim of
-- its own: it may be queued twice (stored by one instance, asked for again on another before its job ran),
-- and the second job must find it taken rather than process it again.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table workflow_runs add column if not exists claimed_by uuid;
alter table deliveries add column if not exists claimed_by uuid;
alter table trigger_events add column if not exists claimed_until timestamptz;
alter table trigger_events add column if not exists claimed_by uuid;
