-- Milestones worked from Slack: who started and finished each, which one marks go-live, and the
-- template's timed actions (a Slack message or an email some hours after a milestone starts).
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table account_milestones add column if not exists started_at timestamptz;
alter table account_milestones add column if not exists started_by text;
alter table account_milestones add column if not exists completed_by text;
-- Completing this milestone makes the account live (the template marks one; else the last one does).
alter table account_milestones add column if not exists go_live boolean not null default false;
-- The template's actions for this milestone, copied with it (the snapshot rule: later template edits
-- change nothing in flight). [{ "type": "slack_message" | "email", "delay_hours": 0..720, ... }]
alter table account_milestones add column if not exists actions jsonb not null default '[]'
  check (jsonb_typeof(actions) = 'array');

-- When the account went live, and the last write to the CRM that did not go through (in words, shown on
-- the account; cleared by the next write that does).
alter table accounts add column if not exists live_at timestamptz;
alter table accounts add column if not exists crm_write_problem text;

-- One row per action of a started milestone: due when the milestone started plus its delay. The row is
-- also the at-most-once marker of an email ('sending' before the provider is called, 'sent' after).
create table if not exists milestone_actions (
  milestone_id uuid not null references account_milestones (id) on delete cascade,
  position integer not null,
  team_id text not null,
  due_at timestamptz not null,
  status text not null default 'scheduled'
    check (status in ('scheduled', 'sending', 'sent', 'skipped', 'failed')),
  -- Why it was skipped or failed, in words.
  detail text,
  updated_at timestamptz not null default now(),
  primary key (milestone_id, position)
);
