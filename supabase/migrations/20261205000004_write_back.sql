-- Write-back to the CRM and two-way follow.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.

alter table accounts
  -- When Thread last wrote the account's stage and CSM to its CRM record: a CRM change older than this
  -- is the echo of an earlier write (or was overwritten by it), so the account does not follow it.
  add column if not exists crm_written_at timestamptz,
  -- The last CRM change Thread could not follow (a CSM not in the pool, a stage it does not know), in
  -- words for /thread account; cleared when a change is followed.
  add column if not exists crm_follow_note text;

alter table workflow_settings
  -- Salesforce custom fields cannot be created through the REST API: an admin adds them, under these
  -- API names by default, or tells Thread the names they chose.
  add column if not exists salesforce_stage_field text not null default 'Thread_Onboarding_Stage__c',
  add column if not exists salesforce_csm_field text not null default 'Thread_CSM__c',
  -- What people call the ids chosen in the settings modals ("Sales pipeline", "Closed Won"), saved with
  -- them so App Home shows labels without asking the providers on every open.
  add column if not exists labels jsonb not null default '{}'::jsonb
    check (jsonb_typeof(labels) = 'object');
