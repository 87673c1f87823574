/**
 * The dashboard's buttons carry a provider id as their value. That value is untrusted: it is checked
 * against the registry, and the team always comes from the signed request, never from the value.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { findProviderDefinition } from '../../../providers/registry.js';
import type { ProviderDefinition } from '../../../providers/types.js';

export function providerFromButton(body: BlockAction): ProviderDefinition | undefined {
  const action = body.actions[0] as ButtonAction | undefined;
  return action?.value ? findProviderDefinition(action.value) : undefined;
}
