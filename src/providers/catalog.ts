/**
 * The eight integrations on the connector dashboard, in the order the product shows them.
 */
import type { ProviderInfo } from './types.js';

export const CATALOG: readonly ProviderInfo[] = [
  {
    id: 'hubspot',
    name: 'HubSpot',
    purpose: 'Start onboarding when a deal is Closed Won, and write progress back to the deal.',
    capabilities: ['triggers', 'two_way_sync'],
    availability: 'oauth',
    envPrefix: 'HUBSPOT',
  },
  {
    id: 'salesforce',
    name: 'Salesforce',
    purpose: 'Start onboarding when an opportunity reaches a stage, and write progress back.',
    capabilities: ['triggers', 'two_way_sync'],
    availability: 'oauth',
    envPrefix: 'SALESFORCE',
  },
  {
    id: 'slack',
    name: 'Slack',
    purpose: 'Where your team works with Thread: commands, customer channels and updates.',
    capabilities: ['notifications'],
    availability: 'workspace',
  },
  {
    id: 'notion',
    name: 'Notion',
    purpose: 'Start onboarding from a new row in an ops database.',
    capabilities: ['triggers'],
    availability: 'oauth',
    envPrefix: 'NOTION',
  },
  {
    id: 'google',
    name: 'Google Workspace',
    purpose: 'Kickoff meetings from Google Calendar, handoff emails from Gmail.',
    capabilities: ['calendar', 'notifications'],
    availability: 'oauth',
    envPrefix: 'GOOGLE',
  },
  {
    id: 'microsoft',
    name: 'Microsoft 365',
    purpose: 'Kickoff meetings from Outlook Calendar, handoff emails from Outlook.',
    capabilities: ['calendar', 'notifications'],
    availability: 'oauth',
    envPrefix: 'MICROSOFT',
  },
  {
    id: 'gong',
    name: 'Gong',
    purpose: 'Give the assigned CSM the sales-call context behind each new customer.',
    capabilities: ['sales_intelligence'],
    availability: 'oauth',
    envPrefix: 'GONG',
  },
  {
    id: 'zoom',
    name: 'Zoom',
    purpose: 'Kickoff meetings and recordings from Zoom.',
    capabilities: ['calendar'],
    availability: 'coming_soon',
    envPrefix: 'ZOOM',
  },
];

export function findProvider(id: string): ProviderInfo | undefined {
  return CATALOG.find((p) => p.id === id);
}
