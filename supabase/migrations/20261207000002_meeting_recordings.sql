-- A meeting's recording, once the connected call recorder (Gong) has it: the call Thread matched to the
-- meeting, its link and title, and when Thread found it. Null until then. Set once (the job's update is
-- conditional on no recording yet), so a late re-run never swaps one call for another.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table meetings add column if not exists recording_call_id text;
alter table meetings add column if not exists recording_url text;
alter table meetings add column if not exists recording_title text;
alter table meetings add column if not exists recording_found_at timestamptz;
