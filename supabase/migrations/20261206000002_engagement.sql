-- Customer channels, engagement on Thread's posts in them, and broadcasts to them.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

-- The customer channel's facts live on the account (`customer_channel_id` already does): its name as
-- Slack last told us, whether it is a Slack Connect channel, and what stops Thread posting there.
alter table accounts add column if not exists customer_channel_name text;
alter table accounts add column if not exists customer_channel_shared boolean not null default false;
alter table accounts add column if not exists customer_channel_problem text
  check (customer_channel_problem in ('not_in_channel', 'archived', 'not_found'));
alter table accounts add column if not exists customer_channel_problem_at timestamptz;
-- One account per channel (engagement in a channel must belong to exactly one account), and the one
-- indexed lookup an event from a channel costs.
create unique index if not exists accounts_customer_channel
  on accounts (team_id, customer_channel_id) where customer_channel_id is not null;

-- Per team: how Thread names a channel it creates, and how many quiet days make an account "silent".
create table if not exists customer_channel_settings (
  team_id text primary key,
  name_rule text not null default 'onboarding-{account}' check (length(name_rule) <= 80),
  silent_days integer not null default 7 check (silent_days between 1 and 365),
  updated_by text,
  updated_at timestamptz not null default now()
);

-- "Is this message one of Thread's posts?" — asked for every reaction and reply in a customer channel.
create index if not exists deliveries_posted on deliveries (team_id, channel, slack_ts) where slack_ts is not null;

-- One row per engagement, by its natural key, so a retried or repeated event changes nothing:
-- a reaction is (message, user, emoji) and is switched off when removed; a reply is its own ts.
create table if not exists engagement_events (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  account_id uuid not null references accounts (id) on delete cascade,
  channel_id text not null,
  kind text not null check (kind in ('reaction', 'reply')),
  item_key text not null,
  -- The Thread post engaged with.
  message_ts text not null,
  user_id text not null,
  reaction text,
  -- False once the reaction was removed (reactions count net of removals).
  active boolean not null default true,
  -- Slack's event_ts of the latest event applied: an older event arriving late is ignored.
  event_ts text not null,
  occurred_at timestamptz not null,
  unique (team_id, channel_id, kind, item_key)
);
create index if not exists engagement_events_account on engagement_events (account_id, occurred_at desc);

-- A manager's message to many customer channels; one delivery per channel, keyed by broadcast and channel.
create table if not exists broadcasts (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  sender_user_id text not null,
  message text not null check (length(message) between 1 and 3000),
  -- null: every customer channel; else the account stages chosen.
  stages text[],
  total integer not null,
  -- The sender's DM with the progress report, edited as posts finish.
  report_channel text,
  report_ts text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index if not exists broadcasts_team on broadcasts (team_id, created_at desc);
