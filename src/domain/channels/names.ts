/**
 * Channel names Thread makes from a team's naming rule. Slack's rule (conversations.create): lowercase
 * letters, numbers, hyphens and underscores, 80 characters at most.
 */
export const DEFAULT_NAME_RULE = 'onboarding-{account}';
export const NAME_MAX = 80;
/** How many "-2", "-3"… Thread tries when a name is taken before giving up and saying so. */
export const NAME_TRIES = 10;

/** Text as a Slack channel name: accents dropped, anything else between words becomes one hyphen. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/** A rule is usable when it names the account, so two accounts never get the same name by rule. */
export function validRule(rule: string): boolean {
  return rule.includes('{account}') && rule.length <= NAME_MAX && slug(rule.replace('{account}', 'x')) !== '';
}

/**
 * The name for try `n` (1 = the rule as is, then `-2`, `-3`…), cut so the suffix always fits. An account
 * whose name has no letters or digits at all ("???") still gets a name: `account`.
 */
export function channelName(rule: string, accountName: string, n = 1): string {
  const base = slug(rule.replace('{account}', slug(accountName) || 'account')) || 'onboarding';
  const suffix = n > 1 ? `-${n}` : '';
  return `${base.slice(0, NAME_MAX - suffix.length).replace(/[-_]+$/, '')}${suffix}`;
}
