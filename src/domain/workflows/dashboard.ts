/**
 * What App Home's Workflows section shows for a team: each trigger source with what starts a handoff
 * (labels saved by the settings modals, so opening Home never waits on a provider), the shared settings,
 * and the latest runs. Shaped for the view.
 */
import type { Services } from '../../app/services.js';
import { HUBSPOT_OWNED_PROPERTIES } from '../../providers/hubspot/write-back.js';
import { PROVIDERS } from '../../providers/registry.js';
import type { RunLine, WorkflowSourceLine, WorkflowsSection } from '../../views/home/workflows.js';
import { failedStepOf } from '../accounts/overview.js';
import { DEFAULT_TEMPLATE_NAME } from '../accounts/templates.js';
import { recentRuns } from './runs.js';
import { DEFAULT_HUBSPOT_STAGE, type WorkflowSettings, workflowSettings } from './settings.js';

/** How many runs Home lists: the latest few are what a manager acts on; /thread account has the rest. */
export const SHOWN_RUNS = 5;

/** The sources that start handoffs: every provider with a settings catalog. */
export const WORKFLOW_SOURCES = PROVIDERS.filter((p) => p.catalog);

export async function workflowsSection(
  services: Services,
  teamId: string,
  canManage: boolean,
): Promise<WorkflowsSection> {
  const settings = await workflowSettings(services.db, teamId);
  const connections = await services.db
    .selectFrom('connections')
    .select(['provider', 'status'])
    .where('team_id', '=', teamId)
    .execute();
  const status = new Map(connections.map((c) => [c.provider, c.status]));
  const template = settings.templateId
    ? await services.db
        .selectFrom('templates')
        .select('name')
        .where('id', '=', settings.templateId)
        .executeTakeFirst()
    : undefined;
  const runs = await recentRuns(services.db, teamId, SHOWN_RUNS);
  return {
    enabled: settings.enabled,
    templateName: template?.name ?? `${DEFAULT_TEMPLATE_NAME} (the default)`,
    handoffChannelId: settings.handoffChannelId,
    aeEmail: settings.aeEmail,
    pollIntervalSeconds: settings.pollIntervalSeconds,
    canManage,
    sources: WORKFLOW_SOURCES.map((p): WorkflowSourceLine => {
      const s = status.get(p.id);
      return {
        provider: { id: p.id, name: p.name },
        state: !s || s === 'available' ? 'not connected' : s === 'error' ? 'error' : 'connected',
        startsWhen: startsWhen(p.id, settings),
        writesBack: writesBack(p.id, settings),
      };
    }),
    runs: runs.map((r): RunLine => {
      const name = PROVIDERS.find((p) => p.id === r.source);
      return {
        id: r.id,
        accountName: r.accountName,
        recordName: `${name?.name ?? r.source} ${name?.deals?.recordName ?? 'record'} ${r.externalId}`,
        status: r.status,
        at: r.updatedAt,
        ...failedStepOf(r),
      };
    }),
  };
}

/** "Sales Pipeline · Closed Won": the saved labels, else the ids as stored. */
function startsWhen(source: string, s: WorkflowSettings): string | null {
  const l = s.labels;
  switch (source) {
    case 'hubspot': {
      const stage =
        l.hubspotStage ?? (s.hubspotStage === DEFAULT_HUBSPOT_STAGE ? 'Closed Won' : s.hubspotStage);
      return `${s.hubspotPipeline ? (l.hubspotPipeline ?? s.hubspotPipeline) : 'any pipeline'} · ${stage}`;
    }
    case 'salesforce':
      return `Opportunity stage · ${l.salesforceStage ?? s.salesforceStage}`;
    case 'notion':
      return s.notion.databaseId && s.notion.statusProperty && s.notion.statusValue
        ? `${l.notionDatabase ?? 'database'} · ${s.notion.statusProperty} is ${s.notion.statusValue}`
        : null;
    default:
      return null;
  }
}

function writesBack(source: string, s: WorkflowSettings): string {
  switch (source) {
    case 'hubspot':
      return `deal properties \`${HUBSPOT_OWNED_PROPERTIES.onboarding_stage}\` and \`${HUBSPOT_OWNED_PROPERTIES.csm}\``;
    case 'salesforce':
      return `opportunity fields \`${s.salesforceFields.stageField}\` and \`${s.salesforceFields.csmField}\``;
    case 'notion': {
      const m = s.notion.mapping;
      const mapped = [m.onboardingStage, m.csm].filter(Boolean).map((p) => `“${p}”`);
      return mapped.length ? mapped.join(' and ') : 'nothing (no properties mapped)';
    }
    default:
      return 'nothing';
  }
}
