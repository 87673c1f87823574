-- Deliveries, paced by reserved slots and safe across a crash mid-post.
-- Written for PostgreSQL 15 (Supabase) and 17 (the embedded server) alike.
alter table deliveries
  -- The post's slot: at least one second after the previous slot of the same channel, reserved when the
  -- delivery is stored, so the job is due exactly then (no rescheduling storms under a burst).
  add column if not exists not_before timestamptz,
  -- When an attempt to post began. Still set on a pending row = an attempt may have reached Slack without
  -- its answer being recorded (a crash, a timeout): the next attempt looks in the channel first.
  add column if not exists posting_since timestamptz,
  -- A job working on the delivery holds it until then (a lease, not a lock held across the Slack call).
  add column if not exists claimed_until timestamptz;
create index if not exists deliveries_channel_slots on deliveries (team_id, channel, not_before);
