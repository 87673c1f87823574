/**
 * Which account a calendar event is the kickoff of. Two rules, as the team sees them:
 * - an attendee's email is at the account's domain (or a subdomain of it): the customer was invited;
 * - the title names the account and says "kickoff" ("Acme kickoff", "Kick-off: Acme").
 * An event that fits several accounts by the same rule is linked to none: a wrong reminder to the
 * wrong CSM is worse than none, and `/thread schedule kickoff` links one explicitly.
 */
import type { CalendarEvent } from '../../providers/types.js';

export interface MatchableAccount {
  id: string;
  name: string;
  domain: string | null;
}

const KICKOFF = /\bkick[\s-]?off\b/i;

export function kickoffAccount(
  event: Pick<CalendarEvent, 'title' | 'attendees'>,
  accounts: readonly MatchableAccount[],
): MatchableAccount | undefined {
  const byDomain = accounts.filter((a) => {
    const domain = normalDomain(a.domain);
    return domain && event.attendees.some((email) => emailAt(email, domain));
  });
  if (byDomain.length === 1) return byDomain[0];
  if (byDomain.length > 1) return undefined;
  if (!KICKOFF.test(event.title)) return undefined;
  const title = event.title.toLowerCase();
  const byTitle = accounts.filter((a) => a.name.trim() && title.includes(a.name.trim().toLowerCase()));
  return byTitle.length === 1 ? byTitle[0] : undefined;
}

/** "https://www.Acme.com/" → "acme.com": CRMs store domains every which way. */
export function normalDomain(domain: string | null | undefined): string | undefined {
  if (!domain) return undefined;
  const d = domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^www\./, '');
  return d.includes('.') ? d : undefined;
}

function emailAt(email: string, domain: string): boolean {
  const at = email.toLowerCase().split('@')[1];
  return Boolean(at) && (at === domain || at!.endsWith(`.${domain}`));
}
