/**
 * Every connectable provider. Adding one = its folder + one line here; listeners, views and the OAuth
 * engine read only this list.
 */
import { gong } from './gong/index.js';
import { google } from './google/index.js';
import { hubspot } from './hubspot/index.js';
import { microsoft } from './microsoft/index.js';
import { notion } from './notion/index.js';
import { salesforce } from './salesforce/index.js';
import type { ProviderDefinition } from './types.js';
import { zoom } from './zoom/index.js';

export const PROVIDERS: readonly ProviderDefinition[] = [
  hubspot,
  salesforce,
  notion,
  google,
  microsoft,
  gong,
  zoom,
];

export const PROVIDER_IDS: readonly string[] = PROVIDERS.map((p) => p.id);

export function findProviderDefinition(id: string): ProviderDefinition | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

export function getProviderDefinition(id: string): ProviderDefinition {
  const def = findProviderDefinition(id);
  if (!def) throw new Error(`Unknown provider ${id}`);
  return def;
}
