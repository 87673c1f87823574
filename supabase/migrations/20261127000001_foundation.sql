-- Thread foundation: Slack installations, provider connections, OAuth states, integration logs,
-- and the local secret store used when Supabase Vault is not installed.
-- Written for PostgreSQL 15 (Supabase) and 18 (PGlite) alike.

create table if not exists thread_vault (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  -- AES-256-GCM envelope (see src/app/crypto.ts); never plaintext.
  secret text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table thread_vault is
  'Sealed secrets when the supabase_vault extension is absent. Holds ciphertext only.';

create table if not exists installations (
  id uuid primary key default gen_random_uuid(),
  -- "T:<team_id>" or "E:<enterprise_id>" for org-wide installs: the lookup key Bolt gives us.
  install_key text not null unique,
  team_id text,
  team_name text,
  enterprise_id text,
  is_enterprise_install boolean not null default false,
  bot_user_id text,
  bot_id text,
  bot_scopes text,
  bot_token_secret_id uuid not null,
  installed_by text,
  installed_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists connections (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  provider text not null,
  status text not null default 'available' check (status in ('available', 'connected', 'error')),
  error_code text,
  error_message text,
  error_since timestamptz,
  environment text,
  requested_scopes text[] not null default '{}',
  granted_scopes text[] not null default '{}',
  external_account_id text,
  external_account_label text,
  -- Non-secret facts from the token response or identity call (Salesforce instance_url, Gong api base).
  provider_meta jsonb not null default '{}'::jsonb,
  token_secret_id uuid,
  expires_at timestamptz,
  last_refresh_success_at timestamptz,
  last_refresh_failure_at timestamptz,
  refresh_attempts integer not null default 0,
  connected_by text,
  connected_at timestamptz,
  last_success_at timestamptz,
  last_error_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, provider)
);

create table if not exists oauth_states (
  state_hash text primary key,
  team_id text not null,
  user_id text not null,
  provider text not null,
  environment text,
  -- PKCE verifier sealed with the vault key: it is a short-lived secret.
  code_verifier_sealed text,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index if not exists oauth_states_expires_at on oauth_states (expires_at);

create table if not exists integration_logs (
  id uuid primary key default gen_random_uuid(),
  team_id text not null,
  provider text not null,
  connection_id uuid references connections (id) on delete cascade,
  level text not null check (level in ('info', 'warn', 'error')),
  event text not null,
  message text not null,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index if not exists integration_logs_team_provider on integration_logs (team_id, provider, created_at desc);
create index if not exists integration_logs_created_at on integration_logs (created_at);
