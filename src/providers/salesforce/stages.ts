/**
 * Salesforce opportunity stages, listed live for the workflow settings modal: the active values of the
 * StageName picklist from jsforce's `sobject('Opportunity').describe()` (`GET
 * /services/data/vXX.X/sobjects/Opportunity/describe`: fields[].picklistValues[] with value, label,
 * active — https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_describe.htm).
 * The handoff compares StageName values, so the id is the value and the label what people see.
 */
import type { SettingsCatalog } from '../types.js';
import { salesforceConnection } from './client.js';

export const salesforceCatalog: SettingsCatalog = {
  async stages(ctx) {
    const described = await (await salesforceConnection(ctx)).sobject('Opportunity').describe();
    const field = described.fields.find((f) => f.name === 'StageName');
    return (field?.picklistValues ?? [])
      .filter((v) => v.active)
      .map((v) => ({ id: v.value, label: v.label ?? v.value }));
  },
};
