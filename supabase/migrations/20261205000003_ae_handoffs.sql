-- The AE's side of a handoff: the completed handoff form (one per run) and the handoff email's
-- sending/sent marker (one per run).
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

-- What the AE wrote in the "Complete handoff" modal, kept on the account. One per run: the first
-- submission is the handoff the CSM received; a second one is refused (the CSM already has it).
create table if not exists ae_handoffs (
  run_id uuid primary key references workflow_runs (id) on delete cascade,
  team_id text not null,
  account_id uuid references accounts (id) on delete cascade,
  submitted_by text not null,
  goals text not null,
  stakeholders text not null default '',
  risks text not null default '',
  notes text not null default '',
  submitted_at timestamptz not null default now()
);
create index if not exists ae_handoffs_account on ae_handoffs (account_id);

-- The handoff email, at most once per run: 'sending' is written before the provider is called and
-- 'sent' after it answered. Neither Graph nor Gmail takes an idempotency key, so a 'sending' row left
-- by a crash means "maybe sent" and is never sent again; a provider's error answer deletes the row so
-- the retry may send.
create table if not exists handoff_emails (
  run_id uuid primary key references workflow_runs (id) on delete cascade,
  team_id text not null,
  provider text not null,
  status text not null check (status in ('sending', 'sent')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
