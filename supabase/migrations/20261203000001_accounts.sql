-- Accounts, onboarding templates and the CSM pool: what the sales-to-CS handoff writes.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

-- An onboarding template, per team. Its milestones live in immutable versions; `current_version`
-- points at the one new accounts get. Editing writes a new version, so accounts in flight never change.
create table if not exists templates (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  name text not null,
  is_default boolean not null default false,
  current_version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, name)
);
-- One default per team: seeding it twice at once (two instances, first use) leaves one.
create unique index if not exists templates_one_default on templates (team_id) where is_default;

-- Milestones are jsonb, not rows: a version is written once, never edited, and always read whole
-- (to show it or to copy it onto an account). Rows would buy nothing but a join. The per-account copy
-- (account_milestones) is rows, because each milestone there has its own status and gets updated.
create table if not exists template_versions (
  template_id uuid not null references templates (id) on delete cascade,
  version integer not null,
  -- [{ "name": text, "description": text, "duration_days": integer }, ...] in order.
  milestones jsonb not null check (jsonb_typeof(milestones) = 'array'),
  created_by text,
  created_at timestamptz not null default now(),
  primary key (template_id, version)
);

create table if not exists accounts (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  name text not null,
  domain text,
  amount numeric,
  currency text,
  close_date date,
  source text not null check (source in ('hubspot', 'salesforce', 'notion', 'manual')),
  external_id text not null,
  -- The deal owner in the CRM (a HubSpot owner id, a Salesforce user id): the key of crm_owner_csm_map.
  crm_owner_id text,
  ae_email text,
  ae_name text,
  csm_user_id text,
  customer_channel_id text,
  -- new → onboarding (template applied) → live (onboarding finished); closed = stopped without going live.
  stage text not null default 'new' check (stage in ('new', 'onboarding', 'live', 'closed')),
  template_id uuid references templates (id) on delete set null,
  template_version integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, source, external_id)
);
-- A CSM's load (capacity check) counts their open accounts.
create index if not exists accounts_csm_open on accounts (team_id, csm_user_id) where stage in ('new', 'onboarding');
create index if not exists accounts_team_name on accounts (team_id, lower(name));

-- The template's milestones as they were when applied: the account's own copy.
create table if not exists account_milestones (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  position integer not null,
  name text not null,
  description text not null default '',
  due_date date not null,
  status text not null default 'pending' check (status in ('pending', 'in_progress', 'done', 'skipped')),
  completed_at timestamptz,
  unique (account_id, position)
);

create table if not exists csm_pool (
  team_id text not null,
  user_id text not null,
  -- How many open (not yet live or closed) accounts this CSM may carry.
  capacity integer not null check (capacity > 0),
  active boolean not null default true,
  last_assigned_at timestamptz,
  added_by text,
  added_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

-- "Deals owned by this AE go to this CSM": wins over round-robin when configured.
create table if not exists crm_owner_csm_map (
  team_id text not null,
  source text not null check (source in ('hubspot', 'salesforce', 'notion', 'manual')),
  owner_id text not null,
  csm_user_id text not null,
  created_at timestamptz not null default now(),
  primary key (team_id, source, owner_id)
);
