/**
 * The workflow settings modals' two halves in the domain: reading the choices live from the source's
 * SDK (with a live token, through withProvider), and saving what was submitted — validated again here,
 * because a submission is untrusted input.
 */
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { ProviderError } from '../../providers/types.js';
import type { SettingsForm } from '../../views/modals/workflow-settings.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { TROUBLESHOOTING } from '../connections/troubleshooting.js';
import { updateWorkflowSettings, type WorkflowSettingsChange, workflowSettings } from './settings.js';

export type FormKind = SettingsForm['kind'];
export const FORM_KINDS: readonly FormKind[] = ['general', 'hubspot', 'salesforce', 'notion'];

export type FormLoad = { ok: true; form: SettingsForm } | { ok: false; title: string; fix: string };

/** The form with its choices, or why they could not be read — in words, never the provider's JSON. */
export async function loadSettingsForm(
  services: Services,
  teamId: string,
  kind: FormKind,
  o: { notionDatabaseId?: string } = {},
): Promise<FormLoad> {
  const settings = await workflowSettings(services.db, teamId);
  if (kind === 'general') {
    const templates = await services.db
      .selectFrom('templates')
      .select(['id', 'name'])
      .where('team_id', '=', teamId)
      .orderBy('name')
      .execute();
    return {
      ok: true,
      form: {
        kind,
        enabled: settings.enabled,
        templateId: settings.templateId,
        templates: templates.map((t) => ({ id: t.id, label: t.name })),
        handoffChannelId: settings.handoffChannelId,
        aeEmail: settings.aeEmail,
        pollIntervalSeconds: settings.pollIntervalSeconds,
      },
    };
  }
  const def = findProviderDefinition(kind);
  const catalog = def?.catalog;
  if (!def || !catalog) return { ok: false, title: 'Not a source of handoffs', fix: '' };
  const connection = await activeConnection(services.db, teamId, kind);
  if (!connection) {
    return {
      ok: false,
      title: `${def.name} is not connected`,
      fix: `Connect ${def.name} from the Connectors section of this Home tab, then choose what starts a handoff.`,
    };
  }
  try {
    const form = await withProvider(services, connection, async (ctx): Promise<SettingsForm> => {
      if (kind === 'hubspot') {
        return {
          kind,
          pipelineId: settings.hubspotPipeline,
          stageId: settings.hubspotStage,
          pipelines: (await catalog.pipelines?.(ctx)) ?? [],
        };
      }
      if (kind === 'salesforce') {
        return {
          kind,
          stage: settings.salesforceStage,
          stages: (await catalog.stages?.(ctx)) ?? [],
          ...settings.salesforceFields,
        };
      }
      const databases = (await catalog.databases?.(ctx)) ?? [];
      const databaseId = o.notionDatabaseId ?? settings.notion.databaseId;
      const known = databaseId && databases.some((d) => d.id === databaseId) ? databaseId : null;
      return {
        kind: 'notion',
        databases,
        databaseId: known,
        properties: known ? ((await catalog.properties?.(ctx, known)) ?? []) : [],
        statusProperty: settings.notion.statusProperty,
        statusValue: settings.notion.statusValue,
        mapping: settings.notion.mapping,
      };
    });
    return { ok: true, form };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const trouble = TROUBLESHOOTING[err.code];
    // A passing failure: the table's fix ("Thread retries automatically") is about background work; here a
    // person is waiting, and opening the modal again is the retry.
    const passing = err.code === 'temporary' || err.code === 'rate_limited';
    return {
      ok: false,
      title: `${def.name} could not list the choices: ${trouble.title.replace(/ — retrying$/, '').toLowerCase()}`,
      fix: passing
        ? `${def.name} is busy or briefly down: try again in a minute.`
        : `${trouble.fix} Then open this again.`,
    };
  }
}

/** A submitted value: one select's value and label, a text, a checkbox set, a channel. */
export interface Submitted {
  value?: string | null;
  label?: string | null;
  checked?: boolean;
}

const salesforceField = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,36}__c$/, 'A custom field’s API name, like Thread_CSM__c.');

/** Checks and saves one modal's submission; errors are keyed by the modal's block ids. */
export async function saveSettingsForm(
  services: Services,
  teamId: string,
  userId: string,
  kind: FormKind,
  v: Record<string, Submitted>,
  /** From the modal's metadata: HubSpot pipeline labels by id (a selected option carries only its own). */
  meta: { pipelineLabels?: Record<string, unknown> } = {},
): Promise<{ errors: Record<string, string> } | { saved: true }> {
  const errors: Record<string, string> = {};
  const change: WorkflowSettingsChange = {};
  const SEP = '\u001f';
  if (kind === 'general') {
    const poll = z.coerce.number().int().min(60).max(86_400).safeParse(v.poll_interval?.value);
    if (!poll.success) errors.poll_interval = 'A whole number of seconds between 60 and 86,400.';
    const templateId = v.template?.value || null;
    if (templateId) {
      const mine = await services.db
        .selectFrom('templates')
        .select('id')
        .where('team_id', '=', teamId)
        .where(
          'id',
          '=',
          z.string().uuid().safeParse(templateId).success
            ? templateId
            : '00000000-0000-0000-0000-000000000000',
        )
        .executeTakeFirst();
      if (!mine) errors.template = 'That template no longer exists: choose another.';
    }
    const channel = v.channel?.value || null;
    if (channel && !/^[CG][A-Z0-9]{2,}$/.test(channel)) errors.channel = 'Choose a channel from the list.';
    if (Object.keys(errors).length) return { errors };
    Object.assign(change, {
      enabled: Boolean(v.enabled?.checked),
      aeEmail: Boolean(v.ae_email?.checked),
      pollIntervalSeconds: poll.data,
      templateId,
      handoffChannelId: channel,
    });
  } else if (kind === 'hubspot') {
    const [pipeline, stage] = (v.hubspot_stage?.value ?? '').split(SEP);
    if (!pipeline || !stage) return { errors: { hubspot_stage: 'Choose the stage that starts a handoff.' } };
    const pipelineLabel = meta.pipelineLabels?.[pipeline];
    Object.assign(change, {
      hubspotPipeline: pipeline,
      hubspotStage: stage,
      labels: {
        hubspotStage: v.hubspot_stage?.label ?? stage,
        hubspotPipeline: typeof pipelineLabel === 'string' ? pipelineLabel : pipeline,
      },
    });
  } else if (kind === 'salesforce') {
    const stage = v.salesforce_stage?.value;
    if (!stage) errors.salesforce_stage = 'Choose the stage that starts a handoff.';
    const stageField = salesforceField.safeParse(v.salesforce_stage_field?.value ?? '');
    const csmField = salesforceField.safeParse(v.salesforce_csm_field?.value ?? '');
    if (!stageField.success) errors.salesforce_stage_field = stageField.error.issues[0]!.message;
    if (!csmField.success) errors.salesforce_csm_field = csmField.error.issues[0]!.message;
    if (stageField.success && csmField.success && stageField.data === csmField.data) {
      errors.salesforce_csm_field = 'Two different fields: one for the stage, one for the CSM.';
    }
    if (Object.keys(errors).length) return { errors };
    Object.assign(change, {
      salesforceStage: stage,
      salesforceFields: { stageField: stageField.data, csmField: csmField.data },
      labels: { salesforceStage: v.salesforce_stage?.label ?? stage },
    });
  } else {
    const databaseId = v.notion_database?.value;
    if (!databaseId) return { errors: { notion_database: 'Choose the database handoffs come from.' } };
    const [property, value] = (v.notion_status?.value ?? '').split(SEP);
    if (!property || !value) return { errors: { notion_status: 'Choose the status that starts a handoff.' } };
    const mapping = Object.fromEntries(
      ['name', 'domain', 'aeEmail', 'amount', 'onboardingStage', 'csm'].flatMap((f) =>
        v[`map_${f}`]?.value ? [[f, v[`map_${f}`]!.value!]] : [],
      ),
    );
    if (mapping.onboardingStage && mapping.onboardingStage === property) {
      return {
        errors: {
          map_onboardingStage: 'Not the property that starts handoffs: Thread would move rows out of it.',
        },
      };
    }
    Object.assign(change, {
      notion: { databaseId, statusProperty: property, statusValue: value, mapping },
      labels: { notionDatabase: v.notion_database?.label ?? databaseId },
    });
  }
  await updateWorkflowSettings(services.db, teamId, change, userId);
  return { saved: true };
}
