/**
 * What Thread knows about an integration. A provider is one folder exporting one `ProviderDefinition`;
 * listeners, views and workflows only ever see this shape.
 */
import type { ProviderEnvPrefix } from '../app/config.js';

export type ProviderId =
  | 'hubspot'
  | 'salesforce'
  | 'slack'
  | 'notion'
  | 'google'
  | 'microsoft'
  | 'gong'
  | 'zoom';

export type Capability = 'triggers' | 'two_way_sync' | 'notifications' | 'calendar' | 'sales_intelligence';

export const CAPABILITY_LABELS: Record<Capability, string> = {
  triggers: 'Workflow triggers',
  two_way_sync: 'Two-way sync',
  notifications: 'Notifications',
  calendar: 'Calendar',
  sales_intelligence: 'Sales intelligence',
};

/**
 * How a connector comes to be:
 * - `oauth`: the team connects it through an OAuth link;
 * - `workspace`: it is the Slack workspace Thread is installed in — always connected;
 * - `coming_soon`: listed on the dashboard, not yet connectable.
 */
export type Availability = 'oauth' | 'workspace' | 'coming_soon';

export interface ProviderInfo {
  id: ProviderId;
  /** The name people know it by: "Google Workspace", not "google". */
  name: string;
  /** One line: what Thread does with it. */
  purpose: string;
  capabilities: Capability[];
  availability: Availability;
  /** Shown next to the name, e.g. "Beta". */
  badge?: string;
  envPrefix?: ProviderEnvPrefix;
}
