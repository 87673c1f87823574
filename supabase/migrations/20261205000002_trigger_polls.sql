-- Polling triggers: one cursor per (team, source) and the last stage Thread saw for each record, so a poll
-- fires on a record *entering* the handoff stage and never on a later edit of a record sitting in it.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

create table if not exists trigger_poll_cursors (
  team_id text not null,
  provider text not null,
  -- When Thread started watching this source: a record already in the stage before then is history,
  -- not a handoff.
  baseline_at timestamptz not null default now(),
  -- The provider's own position (a modified-time window, a keyset, a page cursor): opaque to the domain.
  -- Null until the first successful poll. Only a successful poll moves it.
  cursor jsonb,
  -- Notion has no per-property timestamps: its first polls record what already sits in the status
  -- ("baseline sweep") before changes count; false once that is done, and always for the others.
  sweeping boolean not null default false,
  last_polled_at timestamptz,
  last_success_at timestamptz,
  -- The last failure in plain words (the connection's own state says what to do about it).
  last_error text,
  last_error_at timestamptz,
  consecutive_failures integer not null default 0,
  primary key (team_id, provider)
);

create table if not exists trigger_seen_stages (
  team_id text not null,
  provider text not null,
  external_id text not null,
  -- Null: the record had no stage (a Notion row with the status empty).
  stage text,
  seen_at timestamptz not null default now(),
  primary key (team_id, provider, external_id)
);

-- pg-boss schedules are cron expressions, minute-granular: polls are sent by a once-a-minute schedule,
-- so an interval under 60 seconds could never be kept. Values set before this migration are raised.
update workflow_settings set poll_interval_seconds = 60 where poll_interval_seconds < 60;
alter table workflow_settings drop constraint if exists workflow_settings_poll_interval_seconds_check;
alter table workflow_settings add constraint workflow_settings_poll_interval_seconds_check
  check (poll_interval_seconds between 60 and 86400);
