-- Settings for every trigger source, not HubSpot alone: the Salesforce stage, the Notion database and
-- its mapping, the template, the AE email switch and the poll interval.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table workflow_settings
  -- Null = any pipeline (HubSpot stage ids are unique across a portal's pipelines anyway).
  add column if not exists hubspot_pipeline text,
  -- Salesforce's StageName value (a picklist label; 'Closed Won' in a new org).
  add column if not exists salesforce_stage text not null default 'Closed Won',
  -- Notion: the database (its data source) rows come from, which status property and value start a
  -- handoff, and which properties hold the account's name, domain, AE email, amount and close date.
  add column if not exists notion_database_id text,
  add column if not exists notion_status_property text,
  add column if not exists notion_status_value text,
  add column if not exists notion_mapping jsonb not null default '{}'::jsonb
    check (jsonb_typeof(notion_mapping) = 'object'),
  -- The template new accounts get; null = the team's default template.
  add column if not exists template_id uuid references templates (id) on delete set null,
  add column if not exists ae_email boolean not null default true,
  add column if not exists poll_interval_seconds integer not null default 60
    check (poll_interval_seconds between 30 and 86400);
