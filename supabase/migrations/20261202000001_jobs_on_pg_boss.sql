-- Background jobs moved to pg-boss (its own schema, `pgboss`, created by pg-boss at start): schedules fire
-- once across instances there, so the (job, time slot) claims of the node-cron scheduler are gone.
drop table if exists job_slots;
