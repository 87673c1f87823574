-- Two-way follow through polls (Salesforce, Notion): the values of Thread's own fields (onboarding
-- stage, CSM) as each record last held them, { "onboarding_stage": "live", "csm": "mo@example.com" }.
-- A poll turns a value into a follow event only when it differs from this, so an unrelated edit of the
-- record (its amount) reads the same values again and follows nothing. Null: never read (the team keeps
-- no such fields in that CRM, or the record was seen before this column existed).
alter table trigger_seen_stages add column if not exists owned jsonb;
