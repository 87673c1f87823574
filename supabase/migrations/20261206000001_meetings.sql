-- The calendar: kickoff meetings found on the connected calendar (Google or Microsoft), linked to an
-- account, with reminders and post-meeting actions. Written for PostgreSQL 15 (Supabase) and 17 alike.

-- Where each team's incremental sync of a calendar stands: Google's nextSyncToken or Graph's
-- @odata.deltaLink. Written only after a sync has stored everything it read, so a failed sync never
-- advances it. `round_started_at`: when the current full sync began (Graph's delta window is fixed then).
create table if not exists calendar_cursors (
  team_id text not null,
  provider text not null,
  token text not null,
  round_started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (team_id, provider)
);

-- One row per calendar event Thread linked to an account (today: the account's kickoff).
create table if not exists meetings (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  account_id uuid not null references accounts (id) on delete cascade,
  provider text not null,
  -- The event's id in the provider (a Google instance id, a Graph occurrence id).
  external_id text not null,
  -- The series an instance belongs to (recurring events), when there is one.
  series_id text,
  title text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- The zone the organiser set (IANA or Windows name), for people; the times above are instants.
  time_zone text,
  attendees text[] not null default '{}',
  join_url text,
  kind text not null default 'kickoff' check (kind in ('kickoff', 'follow_up')),
  status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
  notes text,
  notes_by text,
  notes_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, provider, external_id)
);
-- One live kickoff per account: a second candidate (another instance of a series, a second invite) is
-- not linked while the first stands; a cancelled kickoff frees the place for the next one.
create unique index if not exists meetings_one_kickoff on meetings (account_id)
  where kind = 'kickoff' and status = 'scheduled';

-- Per team: when reminders go out, in seconds before the start (default 24 h and 1 h).
create table if not exists meeting_settings (
  team_id text primary key,
  reminder_offsets_seconds integer[] not null default '{86400,3600}'
    check (cardinality(reminder_offsets_seconds) <= 5),
  updated_by text,
  updated_at timestamptz not null default now()
);
