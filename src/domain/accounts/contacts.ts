/** The customer's people as Thread knows them: the contacts on the deal the account's handoff read. */
import type { Services } from '../../app/services.js';

const EMAIL = /^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+\.[^\s<>()",;:\\@]+$/;

/** The contacts' email addresses (plain ones only), each once; none when the CRM named no contacts. */
export async function customerContacts(
  services: Services,
  teamId: string,
  accountId: string,
): Promise<string[]> {
  const run = await services.db
    .selectFrom('workflow_runs')
    .select('context')
    .where('team_id', '=', teamId)
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const deal = (run?.context as { deal?: { contacts?: { email?: string | null }[] } } | undefined)?.deal;
  return plainAddresses((deal?.contacts ?? []).map((c) => c.email));
}

/** Plain addresses only (nothing that could add a mail header), trimmed, lowercased, each once. */
export function plainAddresses(emails: readonly (string | null | undefined)[]): string[] {
  return [
    ...new Set(
      emails
        .filter((e): e is string => typeof e === 'string' && EMAIL.test(e.trim()))
        .map((e) => e.trim().toLowerCase()),
    ),
  ];
}
