-- The sales-to-CS handoff workflow: per-team settings and one recorded run per trigger.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

-- What starts a handoff, per team. No row = the defaults (HubSpot's Closed Won, no channel yet).
create table if not exists workflow_settings (
  team_id text primary key,
  -- The HubSpot deal stage id whose entry starts a handoff ('closedwon' in HubSpot's default pipeline).
  hubspot_stage text not null default 'closedwon',
  -- Where handoff posts go; null = nowhere yet (the run records that the post was skipped).
  handoff_channel_id text,
  enabled boolean not null default true,
  updated_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per handoff. The idempotency key (team, source, external id, 'entered:' + stage) is what makes
-- the same stage change seen twice — a webhook retried, a webhook and a later poll — one run.
-- `steps` is read and written whole by the step job: [{ name, status, attempts, error, finished_at }].
create table if not exists workflow_runs (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  kind text not null default 'handoff' check (kind in ('handoff')),
  idempotency_key text not null unique,
  source text not null,
  external_id text not null,
  account_id uuid references accounts (id) on delete set null,
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  -- Why a failed run failed, in plain words.
  reason text,
  steps jsonb not null default '[]'::jsonb check (jsonb_typeof(steps) = 'array'),
  -- What earlier steps found (the deal's facts) for later steps: a retry never fetches twice.
  context jsonb not null default '{}'::jsonb,
  -- A job working on the run holds it until then (a lease, not a lock held across provider calls: the
  -- steps lock accounts rows of their own, which a transaction kept open here would block).
  claimed_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists workflow_runs_team_external on workflow_runs (team_id, source, external_id);
