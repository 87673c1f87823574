/** Per-team handoff settings: which HubSpot stage starts a handoff, and where the handoff is posted. */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';

export interface WorkflowSettings {
  hubspotStage: string;
  handoffChannelId: string | null;
  enabled: boolean;
}

/** HubSpot's internal id of Closed Won in the default pipeline (the migration's default too). */
export const DEFAULT_HUBSPOT_STAGE = 'closedwon';

/** A team without a row has the defaults: a deal entering Closed Won starts a handoff. */
export async function workflowSettings(db: Kysely<DB>, teamId: string): Promise<WorkflowSettings> {
  const row = await db
    .selectFrom('workflow_settings')
    .select(['hubspot_stage', 'handoff_channel_id', 'enabled'])
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return {
    hubspotStage: row?.hubspot_stage ?? DEFAULT_HUBSPOT_STAGE,
    handoffChannelId: row?.handoff_channel_id ?? null,
    enabled: row?.enabled ?? true,
  };
}

export async function updateWorkflowSettings(
  db: Kysely<DB>,
  teamId: string,
  change: { hubspotStage?: string; handoffChannelId?: string },
  userId: string,
): Promise<WorkflowSettings> {
  const set = {
    ...(change.hubspotStage !== undefined ? { hubspot_stage: change.hubspotStage } : {}),
    ...(change.handoffChannelId !== undefined ? { handoff_channel_id: change.handoffChannelId } : {}),
    updated_by: userId,
  };
  await db
    .insertInto('workflow_settings')
    .values({ team_id: teamId, ...set })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ ...set, updated_at: sql`now()` }))
    .execute();
  return workflowSettings(db, teamId);
}
