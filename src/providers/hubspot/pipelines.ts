/**
 * HubSpot's deal pipelines and their stages, listed live for the workflow settings modal through the
 * SDK's `crm.pipelines.pipelinesApi.getAll('deals')` (`GET /crm/v3/pipelines/deals`:
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/pipelines/guide). Archived ones are left
 * out; order is HubSpot's displayOrder, as people see them in HubSpot.
 */
import type { SettingsCatalog } from '../types.js';
import { hubspotClient } from './client.js';

export const hubspotCatalog: SettingsCatalog = {
  async pipelines(ctx) {
    const { results } = await (await hubspotClient(ctx)).crm.pipelines.pipelinesApi.getAll('deals');
    return results
      .filter((p) => !p.archived)
      .sort((a, b) => a.displayOrder - b.displayOrder)
      .map((p) => ({
        id: p.id,
        label: p.label,
        stages: p.stages
          .filter((s) => !s.archived)
          .sort((a, b) => a.displayOrder - b.displayOrder)
          .map((s) => ({ id: s.id, label: s.label })),
      }));
  },
};
