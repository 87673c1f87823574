/**
 * Granted vs requested scopes, compared the provider's way. Providers do not echo the request back:
 * Google expands `email` to `https://www.googleapis.com/auth/userinfo.email`, Microsoft prefixes Graph
 * scopes with the resource, changes their case and never lists `offline_access`. Each provider states
 * its rules as data (`oauth.scopeRules`); this is the one place that applies them.
 */
import type { OAuthFacts, ScopeRules } from '../types.js';

/** The scopes a token response reports, whether as one string (space- or comma-separated) or a list. */
export function reportedScopes(res: { scope?: string | string[] }): string[] | undefined {
  if (res.scope === undefined) return undefined;
  if (Array.isArray(res.scope)) return res.scope;
  // Zoom separates with commas or spaces depending on the app type; no scope name contains either.
  return res.scope.split(/[\s,]+/).filter(Boolean);
}

/** A scope name as the provider's rules compare it: resource prefix stripped, case folded. */
export function scopeKey(rules: ScopeRules, scope: string): string {
  const prefix = rules.prefixes?.find((p) => scope.toLowerCase().startsWith(p.toLowerCase()));
  const bare = prefix ? scope.slice(prefix.length) : scope;
  return rules.caseInsensitive ? bare.toLowerCase() : bare;
}

/**
 * The requested scopes the grant does not cover, by their requested names (what the person sees). A
 * requested scope is covered when the grant lists it, or one of its aliases, under the provider's
 * prefix and case rules — or when it is one the provider never lists. Extra granted scopes (Microsoft
 * adds `openid profile email`) do not matter.
 */
export function missingScopes(facts: Pick<OAuthFacts, 'scopes' | 'scopeRules'>, granted: string[]): string[] {
  const rules = facts.scopeRules;
  const have = new Set(granted.map((s) => scopeKey(rules, s)));
  const unlisted = new Set((rules.unlisted ?? []).map((s) => scopeKey(rules, s)));
  return facts.scopes.filter((requested) => {
    if (unlisted.has(scopeKey(rules, requested))) return false;
    const names = [requested, ...(rules.aliases?.[requested] ?? [])];
    return !names.some((name) => have.has(scopeKey(rules, name)));
  });
}
