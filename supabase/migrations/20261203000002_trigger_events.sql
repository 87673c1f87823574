-- Workflow triggers received from providers, and Slack posts delivered by the background queue.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

-- One row per provider event Thread accepted. The unique key is what makes a provider's retry of a
-- webhook (HubSpot retries up to 10 times) a no-op. Only the normalized fields are kept, never the raw
-- payload; rows are pruned by the daily prune job.
create table if not exists trigger_events (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  provider text not null,
  -- The provider's event id, scoped to the provider account it came from (see domain/triggers).
  event_id text not null,
  kind text not null,
  external_id text not null,
  payload jsonb not null default '{}'::jsonb,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  unique (provider, event_id)
);
create index if not exists trigger_events_received_at on trigger_events (received_at);

-- Slack posts made by workflows: one row per (team, key), so the same post asked for twice, or a job
-- run twice, reaches Slack once.
create table if not exists deliveries (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  key text not null,
  channel text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  last_error text,
  slack_ts text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, key)
);
-- Pacing looks up the last post to a channel.
create index if not exists deliveries_channel_delivered
  on deliveries (team_id, channel, delivered_at) where status = 'delivered';
