-- A run whose source connection needs a person (revoked grant, missing permission) waits for it instead
-- of spending its retries: `waiting_for` names the provider; a reconnect (or the sweep) resumes it.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.
alter table workflow_runs add column if not exists waiting_for text;
create index if not exists workflow_runs_waiting on workflow_runs (team_id, waiting_for)
  where waiting_for is not null;
