-- Which job holds a handoff run's or a delivery's claim. A job whose process died is handed back to the
-- queue under the same id (src/app/job-liveness.ts): its next attempt takes over the claim the dead one
-- left, instead of waiting minutes for it to run out.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table workflow_runs add column if not exists claimed_by uuid;
alter table deliveries add column if not exists claimed_by uuid;
