-- Slack requests already handled: a replayed signed request, or Slack's retry of an event (same
-- event_id), is processed once — across every instance, since they all share this table.
-- Rows older than the signature window (5 minutes either way) are useless; the receiver prunes them.
-- Written for PostgreSQL 15 (Supabase) and 17 alike.

create table if not exists slack_request_ids (
  -- "event:<event_id>" for Events API deliveries, "sig:<x-slack-signature>" for everything else.
  id text primary key,
  seen_at timestamptz not null default now()
);
create index if not exists slack_request_ids_seen_at on slack_request_ids (seen_at);
