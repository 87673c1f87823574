/**
 * Per-team workflow settings: what starts a handoff in each source (HubSpot stage and pipeline,
 * Salesforce stage, Notion database + status value + field mapping), which template new accounts get,
 * where the handoff is posted, whether the AE gets an email, and how often sources are polled.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { DealSourceOptions, WriteBackOptions } from '../../providers/types.js';

export type NotionField =
  | 'name'
  | 'domain'
  | 'aeEmail'
  | 'amount'
  | 'closeDate'
  /** Written back, not read: where Thread keeps the account's onboarding stage and CSM in the row. */
  | 'onboardingStage'
  | 'csm';
export type NotionMapping = Partial<Record<NotionField, string>>;

export interface WorkflowSettings {
  hubspotStage: string;
  /** Null = any pipeline. */
  hubspotPipeline: string | null;
  salesforceStage: string;
  notion: {
    databaseId: string | null;
    statusProperty: string | null;
    statusValue: string | null;
    mapping: NotionMapping;
  };
  /** Null = the team's default template. */
  templateId: string | null;
  handoffChannelId: string | null;
  aeEmail: boolean;
  pollIntervalSeconds: number;
  enabled: boolean;
  /** Salesforce: the API names of the custom fields Thread writes back to. */
  salesforceFields: { stageField: string; csmField: string };
  /** What people call the chosen ids, saved by the settings modals. */
  labels: SettingsLabels;
}

/** Labels of chosen ids ("Sales pipeline", "Closed Won", "Customer onboarding"), for App Home. */
export interface SettingsLabels {
  hubspotPipeline?: string;
  hubspotStage?: string;
  salesforceStage?: string;
  notionDatabase?: string;
}

/** HubSpot's internal id of Closed Won in the default pipeline (the migration's default too). */
export const DEFAULT_HUBSPOT_STAGE = 'closedwon';
/** Salesforce's StageName in a new org. */
export const DEFAULT_SALESFORCE_STAGE = 'Closed Won';
export const DEFAULT_POLL_INTERVAL_SECONDS = 60;
/** Salesforce: the custom fields' API names the README asks admins to add (the migration's defaults). */
export const DEFAULT_SALESFORCE_FIELDS = {
  stageField: 'Thread_Onboarding_Stage__c',
  csmField: 'Thread_CSM__c',
};

/** A team without a row has the defaults: a deal entering Closed Won starts a handoff. */
export async function workflowSettings(db: Kysely<DB>, teamId: string): Promise<WorkflowSettings> {
  const row = await db
    .selectFrom('workflow_settings')
    .selectAll()
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return {
    hubspotStage: row?.hubspot_stage ?? DEFAULT_HUBSPOT_STAGE,
    hubspotPipeline: row?.hubspot_pipeline ?? null,
    salesforceStage: row?.salesforce_stage ?? DEFAULT_SALESFORCE_STAGE,
    notion: {
      databaseId: row?.notion_database_id ?? null,
      statusProperty: row?.notion_status_property ?? null,
      statusValue: row?.notion_status_value ?? null,
      mapping: (row?.notion_mapping ?? {}) as NotionMapping,
    },
    templateId: row?.template_id ?? null,
    handoffChannelId: row?.handoff_channel_id ?? null,
    aeEmail: row?.ae_email ?? true,
    pollIntervalSeconds: row?.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
    enabled: row?.enabled ?? true,
    salesforceFields: {
      stageField: row?.salesforce_stage_field ?? DEFAULT_SALESFORCE_FIELDS.stageField,
      csmField: row?.salesforce_csm_field ?? DEFAULT_SALESFORCE_FIELDS.csmField,
    },
    labels: (row?.labels ?? {}) as SettingsLabels,
  };
}

/** Where a team keeps Thread's fields in each source, for the providers' write-back. */
export function writeBackOptions(settings: WorkflowSettings): WriteBackOptions {
  const n = settings.notion;
  return {
    salesforce: settings.salesforceFields,
    ...(n.databaseId
      ? {
          notion: {
            databaseId: n.databaseId,
            ...(n.mapping.onboardingStage ? { stageProperty: n.mapping.onboardingStage } : {}),
            ...(n.mapping.csm ? { csmProperty: n.mapping.csm } : {}),
          },
        }
      : {}),
  };
}

/** The stage (or Notion status value) whose entry starts a handoff for a source; null = not set up. */
export function handoffStageFor(settings: WorkflowSettings, source: string): string | null {
  switch (source) {
    case 'hubspot':
      return settings.hubspotStage;
    case 'salesforce':
      return settings.salesforceStage;
    case 'notion':
      return settings.notion.databaseId ? settings.notion.statusValue : null;
    default:
      return null;
  }
}

/** What a source's provider code needs from the settings to read a record. */
export function dealSourceOptions(settings: WorkflowSettings): DealSourceOptions {
  const n = settings.notion;
  return n.databaseId && n.statusProperty
    ? { notion: { databaseId: n.databaseId, statusProperty: n.statusProperty, mapping: n.mapping } }
    : {};
}

export interface WorkflowSettingsChange {
  hubspotStage?: string;
  hubspotPipeline?: string | null;
  salesforceStage?: string;
  notion?: {
    databaseId: string | null;
    statusProperty: string | null;
    statusValue: string | null;
    mapping: NotionMapping;
  };
  templateId?: string | null;
  handoffChannelId?: string | null;
  aeEmail?: boolean;
  pollIntervalSeconds?: number;
  enabled?: boolean;
  salesforceFields?: { stageField: string; csmField: string };
  /** Merged into the saved labels: a change names only the labels of what it changes. */
  labels?: SettingsLabels;
}

export async function updateWorkflowSettings(
  db: Kysely<DB>,
  teamId: string,
  change: WorkflowSettingsChange,
  userId: string,
): Promise<WorkflowSettings> {
  const n = change.notion;
  const given = {
    hubspot_stage: change.hubspotStage,
    hubspot_pipeline: change.hubspotPipeline,
    salesforce_stage: change.salesforceStage,
    notion_database_id: n?.databaseId,
    notion_status_property: n?.statusProperty,
    notion_status_value: n?.statusValue,
    notion_mapping: n ? JSON.stringify(n.mapping) : undefined,
    template_id: change.templateId,
    handoff_channel_id: change.handoffChannelId,
    ae_email: change.aeEmail,
    poll_interval_seconds: change.pollIntervalSeconds,
    enabled: change.enabled,
    salesforce_stage_field: change.salesforceFields?.stageField,
    salesforce_csm_field: change.salesforceFields?.csmField,
  };
  // Only what the change names is written: two people editing different settings never undo each other.
  const set = {
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    updated_by: userId,
  };
  const labels = change.labels ? JSON.stringify(change.labels) : undefined;
  await db
    .insertInto('workflow_settings')
    .values({ team_id: teamId, ...set, ...(labels ? { labels } : {}) })
    .onConflict((oc) =>
      oc.column('team_id').doUpdateSet({
        ...set,
        ...(labels ? { labels: sql`workflow_settings.labels || ${labels}::jsonb` } : {}),
        updated_at: sql`now()`,
      }),
    )
    .execute();
  return workflowSettings(db, teamId);
}
