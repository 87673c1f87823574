/**
 * Where a provider's OAuth and API endpoints are for this deployment: the provider's defaults, the
 * environment picked at connect time (Salesforce sandbox), then the P_*_URL settings, which always win.
 */
import type { Config } from '../../app/config.js';
import type { ProviderDefinition } from '../types.js';

export interface Endpoints {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  apiUrl: string;
}

export class NotConfiguredError extends Error {
  override name = 'NotConfiguredError';
  constructor(readonly provider: ProviderDefinition) {
    super(
      `${provider.name} is not set up on this Thread server yet: an admin must set ${provider.envPrefix}_CLIENT_ID and ${provider.envPrefix}_CLIENT_SECRET (see the README).`,
    );
  }
}

export function endpointsFor(
  config: Config,
  def: ProviderDefinition,
  environment?: string | null,
): Endpoints {
  const s = config.providers[def.envPrefix];
  if (!s.clientId || !s.clientSecret) throw new NotConfiguredError(def);
  const env = environment ? def.oauth.environments?.[environment] : undefined;
  return {
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    authorizeUrl: s.authorizeUrl ?? env?.authorizeUrl ?? def.oauth.authorizeUrl,
    tokenUrl: s.tokenUrl ?? env?.tokenUrl ?? def.oauth.tokenUrl,
    revokeUrl: s.revokeUrl ?? env?.revokeUrl ?? def.oauth.revokeUrl,
    apiUrl: s.apiUrl ?? def.oauth.apiUrl,
  };
}

/** The API base for a connection: the P_API_URL setting, else a per-account URL from the token response. */
export function apiUrlFor(config: Config, def: ProviderDefinition, meta: Record<string, unknown>): string {
  return config.providers[def.envPrefix].apiUrl ?? def.apiUrlFrom?.(meta) ?? def.oauth.apiUrl;
}

export function redirectUri(config: Config, def: ProviderDefinition): string {
  return `${config.publicUrl}/oauth/${def.id}/callback`;
}
