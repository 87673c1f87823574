/**
 * Row types for Kysely, mirroring supabase/migrations. Kept by hand: the SQL files are the source of
 * truth, and test/db/schema.test.ts checks that every table and column named here exists.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string | undefined, string>;

export interface ThreadVaultTable {
  id: Generated<string>;
  name: string;
  secret: string;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InstallationsTable {
  id: Generated<string>;
  install_key: string;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  is_enterprise_install: Generated<boolean>;
  bot_user_id: string | null;
  bot_id: string | null;
  bot_scopes: string | null;
  bot_token_secret_id: string;
  installed_by: string | null;
  installed_at: Generated<Date>;
  updated_at: Timestamp;
}

export type ConnectionStatus = 'available' | 'connected' | 'error';

export interface ConnectionsTable {
  id: Generated<string>;
  team_id: string;
  provider: string;
  status: ColumnType<ConnectionStatus, ConnectionStatus | undefined, ConnectionStatus>;
  error_code: string | null;
  error_message: string | null;
  error_since: NullableTimestamp;
  environment: string | null;
  requested_scopes: ColumnType<string[], string[] | undefined, string[]>;
  granted_scopes: ColumnType<string[], string[] | undefined, string[]>;
  external_account_id: string | null;
  external_account_label: string | null;
  provider_meta: Json;
  token_secret_id: string | null;
  expires_at: NullableTimestamp;
  last_refresh_success_at: NullableTimestamp;
  last_refresh_failure_at: NullableTimestamp;
  refresh_attempts: Generated<number>;
  connected_by: string | null;
  connected_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_error_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface OauthStatesTable {
  state_hash: string;
  team_id: string;
  user_id: string;
  provider: string;
  environment: string | null;
  code_verifier_sealed: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface IntegrationLogsTable {
  id: Generated<string>;
  team_id: string;
  provider: string;
  connection_id: string | null;
  level: LogLevel;
  event: string;
  message: string;
  detail: Json;
  created_at: Generated<Date>;
}

export interface ThreadMigrationsTable {
  name: string;
  applied_at: Generated<Date>;
}

export interface ThreadAdminsTable {
  team_id: string;
  user_id: string;
  added_by: string;
  added_at: Generated<Date>;
}

/** Slack requests already handled (replays, event retries): see app/slack-guard.ts. */
export interface SlackRequestIdsTable {
  id: string;
  seen_at: Generated<Date>;
}

/** Provider events accepted by a trigger listener (webhooks), normalized: see domain/triggers. */
export interface TriggerEventsTable {
  id: Generated<string>;
  team_id: string;
  provider: string;
  event_id: string;
  kind: string;
  external_id: string;
  payload: Json;
  received_at: Generated<Date>;
  processed_at: NullableTimestamp;
  claimed_until: NullableTimestamp;
  /** The job holding the claim (its id stays the same across attempts). */
  claimed_by: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Slack posts sent by the delivery job, once per (team, key): see domain/deliveries. */
export interface DeliveriesTable {
  id: Generated<string>;
  team_id: string;
  key: string;
  channel: string;
  payload: Json;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  slack_ts: string | null;
  delivered_at: NullableTimestamp;
  not_before: NullableTimestamp;
  posting_since: NullableTimestamp;
  claimed_until: NullableTimestamp;
  /** The job holding the claim (its id stays the same across attempts). */
  claimed_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export type AccountSource = 'hubspot' | 'salesforce' | 'notion' | 'manual';
export type AccountStage = 'new' | 'onboarding' | 'live' | 'closed';
export type MilestoneStatus = 'pending' | 'in_progress' | 'done' | 'skipped';
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;
/** `numeric` comes back from pg as a string (exact), and goes in as one. */
type Numeric = ColumnType<string | null, string | number | null | undefined, string | number | null>;

export interface TemplatesTable {
  id: Generated<string>;
  team_id: string;
  name: string;
  is_default: Generated<boolean>;
  current_version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** One milestone of a template version, as stored in template_versions.milestones. */
export interface TemplateMilestone {
  name: string;
  description: string;
  duration_days: number;
  /** Completing it makes the account live (absent on every milestone: the last one does). */
  go_live?: boolean;
  /** Done some hours after the milestone starts (domain/milestones/actions.ts). */
  actions?: TemplateAction[];
}

/** A template's timed action; `{account}`, `{milestone}` and `{csm}` in its text are filled in. */
export type TemplateAction =
  | { type: 'slack_message'; delay_hours: number; text: string }
  | { type: 'email'; delay_hours: number; to: 'customer' | 'ae'; subject: string; body: string };

export interface TemplateVersionsTable {
  template_id: string;
  version: number;
  milestones: ColumnType<TemplateMilestone[], string, string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface AccountsTable {
  id: Generated<string>;
  team_id: string;
  name: string;
  domain: string | null;
  amount: Numeric;
  currency: string | null;
  /** A calendar day, 'YYYY-MM-DD' (pg's date parser is turned off in app/db.ts). */
  close_date: NullableDate;
  source: AccountSource;
  external_id: string;
  crm_owner_id: string | null;
  ae_email: string | null;
  ae_name: string | null;
  csm_user_id: string | null;
  customer_channel_id: string | null;
  customer_channel_name: string | null;
  customer_channel_shared: Generated<boolean>;
  customer_channel_problem: ChannelProblem | null;
  customer_channel_problem_at: NullableTimestamp;
  stage: ColumnType<AccountStage, AccountStage | undefined, AccountStage>;
  template_id: string | null;
  template_version: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  /** When Thread last wrote stage and CSM to the CRM record (see domain/workflows/write-back). */
  crm_written_at: NullableTimestamp;
  /** The last CRM change Thread could not follow, in words (see domain/workflows/follow-crm). */
  crm_follow_note: string | null;
  /** When the go-live milestone was completed. */
  live_at: NullableTimestamp;
  /** The last write to the CRM that did not go through, in words; null once one does. */
  crm_write_problem: string | null;
}

export interface AccountMilestonesTable {
  id: Generated<string>;
  account_id: string;
  position: number;
  name: string;
  description: Generated<string>;
  due_date: string;
  status: ColumnType<MilestoneStatus, MilestoneStatus | undefined, MilestoneStatus>;
  completed_at: NullableTimestamp;
  started_at: NullableTimestamp;
  started_by: string | null;
  completed_by: string | null;
  go_live: Generated<boolean>;
  actions: ColumnType<TemplateAction[], string | undefined, string>;
}

export type MilestoneActionStatus = 'scheduled' | 'sending' | 'sent' | 'skipped' | 'failed';

export interface MilestoneActionsTable {
  milestone_id: string;
  position: number;
  team_id: string;
  due_at: Date;
  status: ColumnType<MilestoneActionStatus, MilestoneActionStatus | undefined, MilestoneActionStatus>;
  detail: string | null;
  updated_at: Generated<Date>;
}

export interface CsmPoolTable {
  team_id: string;
  user_id: string;
  capacity: number;
  active: Generated<boolean>;
  last_assigned_at: NullableTimestamp;
  added_by: string | null;
  added_at: Generated<Date>;
}

export interface CrmOwnerCsmMapTable {
  team_id: string;
  source: AccountSource;
  owner_id: string;
  csm_user_id: string;
  created_at: Generated<Date>;
}

export type WorkflowRunStatus = 'running' | 'completed' | 'failed';

/** Per team: what starts a handoff and where it is posted (no row = the defaults). */
export interface WorkflowSettingsTable {
  team_id: string;
  hubspot_stage: Generated<string>;
  hubspot_pipeline: string | null;
  salesforce_stage: Generated<string>;
  notion_database_id: string | null;
  notion_status_property: string | null;
  notion_status_value: string | null;
  notion_mapping: Json;
  template_id: string | null;
  ae_email: Generated<boolean>;
  poll_interval_seconds: Generated<number>;
  handoff_channel_id: string | null;
  enabled: Generated<boolean>;
  salesforce_stage_field: Generated<string>;
  salesforce_csm_field: Generated<string>;
  /** Labels of the chosen ids, saved by the settings modals: see SettingsLabels. */
  labels: Json;
  updated_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** One handoff: see domain/workflows. `steps` and `context` are read and written whole. */
export interface WorkflowRunsTable {
  id: Generated<string>;
  team_id: string;
  kind: Generated<'handoff'>;
  idempotency_key: string;
  source: string;
  external_id: string;
  account_id: string | null;
  status: ColumnType<WorkflowRunStatus, WorkflowRunStatus | undefined, WorkflowRunStatus>;
  reason: string | null;
  steps: ColumnType<unknown[], string | undefined, string>;
  context: Json;
  claimed_until: NullableTimestamp;
  /** The job holding the claim (its id stays the same across attempts). */
  claimed_by: string | null;
  waiting_for: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** What stops Thread posting in a customer channel (see domain/channels/problems). */
export type ChannelProblem = 'not_in_channel' | 'archived' | 'not_found';

export interface CustomerChannelSettingsTable {
  team_id: string;
  name_rule: Generated<string>;
  silent_days: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface EngagementEventsTable {
  id: Generated<string>;
  team_id: string;
  account_id: string;
  channel_id: string;
  kind: 'reaction' | 'reply';
  item_key: string;
  message_ts: string;
  user_id: string;
  reaction: string | null;
  active: Generated<boolean>;
  event_ts: string;
  occurred_at: Timestamp;
}

export interface BroadcastsTable {
  id: Generated<string>;
  team_id: string;
  sender_user_id: string;
  message: string;
  stages: string[] | null;
  total: number;
  report_channel: string | null;
  report_ts: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

/** One per (team, polled source): where its poll stands (see domain/triggers/poll.ts). */
export interface TriggerPollCursorsTable {
  team_id: string;
  provider: string;
  baseline_at: Generated<Date>;
  cursor: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  sweeping: Generated<boolean>;
  last_polled_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_error: string | null;
  last_error_at: NullableTimestamp;
  consecutive_failures: Generated<number>;
}

/** The last stage a poll (or a re-read) saw a record in: how an entry is told from a later edit. */
export interface TriggerSeenStagesTable {
  team_id: string;
  provider: string;
  external_id: string;
  stage: string | null;
  seen_at: Generated<Date>;
  /** Thread's own fields as the record last held them (two-way through polls); null = never read. */
  owned: Json | null;
}

/** The AE's completed handoff form, one per run (see domain/workflows/ae-handoff). */
export interface AeHandoffsTable {
  run_id: string;
  team_id: string;
  account_id: string | null;
  submitted_by: string;
  goals: string;
  stakeholders: Generated<string>;
  risks: Generated<string>;
  notes: Generated<string>;
  submitted_at: Generated<Date>;
}

/** The handoff email's at-most-once marker, one per run (see domain/workflows/handoff-email). */
export interface HandoffEmailsTable {
  run_id: string;
  team_id: string;
  provider: string;
  status: 'sending' | 'sent';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Per team and calendar provider: where incremental sync stands (see domain/meetings). */
export interface CalendarCursorsTable {
  team_id: string;
  provider: string;
  token: string;
  round_started_at: Timestamp;
  updated_at: Timestamp;
}

export type MeetingStatus = 'scheduled' | 'cancelled';
export type MeetingKind = 'kickoff' | 'follow_up';

/** A calendar event linked to an account (domain/meetings). */
export interface MeetingsTable {
  id: Generated<string>;
  team_id: string;
  account_id: string;
  provider: string;
  external_id: string;
  series_id: string | null;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  time_zone: string | null;
  attendees: ColumnType<string[], string[] | undefined, string[]>;
  join_url: string | null;
  kind: ColumnType<MeetingKind, MeetingKind | undefined, MeetingKind>;
  status: ColumnType<MeetingStatus, MeetingStatus | undefined, MeetingStatus>;
  notes: string | null;
  notes_by: string | null;
  notes_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  /** The recorder's call matched to the meeting (domain/meetings/recording.ts); null until found. */
  recording_call_id: string | null;
  recording_url: string | null;
  recording_title: string | null;
  recording_found_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface MeetingSettingsTable {
  team_id: string;
  reminder_offsets_seconds: ColumnType<number[], number[] | undefined, number[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface DB {
  calendar_cursors: CalendarCursorsTable;
  meetings: MeetingsTable;
  meeting_settings: MeetingSettingsTable;
  trigger_events: TriggerEventsTable;
  deliveries: DeliveriesTable;
  slack_request_ids: SlackRequestIdsTable;
  thread_admins: ThreadAdminsTable;
  thread_vault: ThreadVaultTable;
  installations: InstallationsTable;
  connections: ConnectionsTable;
  oauth_states: OauthStatesTable;
  integration_logs: IntegrationLogsTable;
  thread_migrations: ThreadMigrationsTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  accounts: AccountsTable;
  account_milestones: AccountMilestonesTable;
  milestone_actions: MilestoneActionsTable;
  csm_pool: CsmPoolTable;
  crm_owner_csm_map: CrmOwnerCsmMapTable;
  workflow_settings: WorkflowSettingsTable;
  workflow_runs: WorkflowRunsTable;
  customer_channel_settings: CustomerChannelSettingsTable;
  engagement_events: EngagementEventsTable;
  broadcasts: BroadcastsTable;
  trigger_poll_cursors: TriggerPollCursorsTable;
  trigger_seen_stages: TriggerSeenStagesTable;
  ae_handoffs: AeHandoffsTable;
  handoff_emails: HandoffEmailsTable;
}

export type Connection = Selectable<ConnectionsTable>;
export type NewConnection = Insertable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type IntegrationLog = Selectable<IntegrationLogsTable>;
export type Account = Selectable<AccountsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type Meeting = Selectable<MeetingsTable>;
