-- Connectors: who may manage them, and once-only scheduled job slots.

create table if not exists thread_admins (
  team_id text not null,
  user_id text not null,
  added_by text not null,
  added_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

-- A scheduled job runs for a (name, slot) only on the instance that inserts the row first.
create table if not exists job_slots (
  name text not null,
  slot text not null,
  claimed_at timestamptz not null default now(),
  primary key (name, slot)
);

create index if not exists connections_refresh_due on connections (expires_at) where status <> 'available';
