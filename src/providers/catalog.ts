/**
 * The eight integrations on the connector dashboard, in the order the product shows them: the seven
 * connectable providers, with Slack — the workspace Thread lives in — third.
 */
import { PROVIDERS } from './registry.js';
import type { ProviderInfo } from './types.js';

const SLACK: ProviderInfo = {
  id: 'slack',
  name: 'Slack',
  purpose: 'Where your team works with Thread: commands, customer channels and updates.',
  capabilities: ['notifications'],
  availability: 'workspace',
};

export const CATALOG: readonly ProviderInfo[] = [...PROVIDERS.slice(0, 2), SLACK, ...PROVIDERS.slice(2)];

export function findProvider(id: string): ProviderInfo | undefined {
  return CATALOG.find((p) => p.id === id);
}
