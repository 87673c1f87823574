/**
 * The handoff email to the AE, sent as the person who connected Microsoft 365 (Graph sendMail) or, when
 * only Google is connected, Gmail. Neither connected: nothing is sent and the run and the handoff post say
 * so. The team can turn it off (`aeEmail` in the workflow settings; on by default).
 *
 * At most once, across crashes and retries. Neither provider takes an idempotency key, so a marker row
 * (`handoff_emails`, one per run) is written as 'sending' before the provider is called and 'sent' after
 * it answered. When the provider answers with an error, nothing was sent: the marker is deleted and the
 * job's retry sends again. When there is no answer (a timeout, a crash mid-call), the email may or may not
 * have gone out: the marker stays 'sending', and the retry records "may not have been sent" instead of
 * risking a second email. A missing email is a nuisance; a doubled one to an AE is worse, and the
 * Slack DM carries the same request.
 */
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { type OutgoingMail, ProviderError } from '../../providers/types.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { workflowSettings } from './settings.js';

/** Microsoft 365 first, then Google Workspace: a team with both mails from Outlook. */
const MAIL_PREFERENCE = ['microsoft', 'google'];
export const NO_MAIL_PROVIDER = 'no email: connect Microsoft 365 or Google';

export type EmailContext =
  | { state: 'off' }
  | { state: 'no address' }
  | { state: 'no provider'; reason: string }
  | { state: 'sent'; via: string }
  | { state: 'maybe sent'; via: string };

/** One plain address: what both providers accept as a recipient, and nothing that could add a header. */
const PLAIN_ADDRESS = /^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+\.[^\s<>()",;:\\@]+$/;

export async function sendHandoffEmail(
  services: Services,
  run: { id: string; teamId: string },
  mail: {
    aeEmail: string | null | undefined;
    aeName: string | null | undefined;
    subject: string;
    html: string;
  },
): Promise<EmailContext> {
  if (!(await workflowSettings(services.db, run.teamId)).aeEmail) return { state: 'off' };
  const to = mail.aeEmail?.trim();
  if (!to || !PLAIN_ADDRESS.test(to)) return { state: 'no address' };
  const sender = await connectedSender(services, run.teamId);
  if (!sender) return { state: 'no provider', reason: NO_MAIL_PROVIDER };
  const via = sender.def.name;

  const outgoing: OutgoingMail = {
    to: { email: to, name: oneLine(mail.aeName ?? '') || null },
    subject: oneLine(mail.subject),
    html: mail.html,
  };
  // The marker is claimed inside the provider call, after the token is ready: a failed refresh has
  // sent nothing and must leave no "maybe sent" behind.
  return withProvider(services, sender.connection, async (ctx): Promise<EmailContext> => {
    const claimed = await services.db
      .insertInto('handoff_emails')
      .values({ run_id: run.id, team_id: run.teamId, provider: sender.def.id, status: 'sending' })
      .onConflict((oc) => oc.column('run_id').doNothing())
      .returning('run_id')
      .executeTakeFirst();
    if (!claimed) {
      const marker = await services.db
        .selectFrom('handoff_emails')
        .select(['status', 'provider'])
        .where('run_id', '=', run.id)
        .executeTakeFirstOrThrow();
      const name = findProviderDefinition(marker.provider)?.name ?? marker.provider;
      return marker.status === 'sent' ? { state: 'sent', via: name } : { state: 'maybe sent', via: name };
    }
    try {
      await sender.mail.send(ctx, outgoing);
    } catch (err) {
      // An answer from the provider (any HTTP status) means it did not send: the retry may. No answer
      // (timeout, connection cut) leaves the marker, and the email is not sent twice.
      const classified = err instanceof ProviderError ? err : sender.def.classifyError(err);
      if (classified.details.status !== undefined) {
        await services.db.deleteFrom('handoff_emails').where('run_id', '=', run.id).execute();
      }
      throw err;
    }
    await services.db
      .updateTable('handoff_emails')
      .set({ status: 'sent', updated_at: new Date() })
      .where('run_id', '=', run.id)
      .execute();
    return { state: 'sent', via };
  });
}

/** CR, LF and other control characters out of a header value: a name or subject never adds a header. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

async function connectedSender(services: Services, teamId: string) {
  for (const id of MAIL_PREFERENCE) {
    const def = findProviderDefinition(id);
    if (!def?.mail) continue;
    const connection = await activeConnection(services.db, teamId, id);
    if (connection) return { def, mail: def.mail, connection };
  }
  return undefined;
}
