/**
 * Email sent as the person who connected Microsoft 365 (Graph sendMail) or, when only Google is
 * connected, Gmail — at most once, across crashes and retries. Neither provider takes an idempotency
 * key, so the caller's marker is claimed ('sending') before the provider is called and set 'sent' after
 * it answered. When the provider answers with an error, nothing was sent: the marker is released and the
 * job's retry sends again. When there is no answer (a timeout, a crash mid-call), the email may or may not
 * have gone out: the marker stays claimed, and a retry reports "maybe sent" instead of risking a second
 * email. A missing email is a nuisance; a doubled one to an AE or a customer is worse.
 */
import type { Services } from '../../app/services.js';
import { findProviderDefinition } from '../../providers/registry.js';
import { type OutgoingMail, ProviderError } from '../../providers/types.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';

/** Microsoft 365 first, then Google Workspace: a team with both mails from Outlook. */
const MAIL_PREFERENCE = ['microsoft', 'google'];
export const NO_MAIL_PROVIDER = 'no email: connect Microsoft 365 or Google';

export interface MailMarker {
  /** Claims the send for this caller: 'claimed', or what an earlier attempt left ('sent' / 'sending'). */
  claim(provider: string): Promise<'claimed' | { status: 'sent' | 'sending'; provider: string }>;
  /** The provider refused: nothing was sent, a retry may send. */
  release(): Promise<void>;
  sent(): Promise<void>;
}

export type MailOutcome =
  | { state: 'no provider'; reason: string }
  | { state: 'sent'; via: string }
  | { state: 'maybe sent'; via: string };

export async function sendMailOnce(
  services: Services,
  teamId: string,
  mail: OutgoingMail & { marker: MailMarker },
): Promise<MailOutcome> {
  const sender = await connectedSender(services, teamId);
  if (!sender) return { state: 'no provider', reason: NO_MAIL_PROVIDER };
  const { marker, ...outgoing } = mail;
  const message: OutgoingMail = {
    ...outgoing,
    to: outgoing.to.map((r) => ({ email: r.email, name: r.name ? oneLine(r.name) || null : null })),
    subject: oneLine(outgoing.subject),
  };
  // The marker is claimed inside the provider call, after the token is ready: a failed refresh has
  // sent nothing and must leave no "maybe sent" behind.
  return withProvider(services, sender.connection, async (ctx): Promise<MailOutcome> => {
    const claim = await marker.claim(sender.def.id);
    if (claim !== 'claimed') {
      const name = findProviderDefinition(claim.provider)?.name ?? claim.provider;
      return claim.status === 'sent' ? { state: 'sent', via: name } : { state: 'maybe sent', via: name };
    }
    try {
      await sender.mail.send(ctx, message);
    } catch (err) {
      // An answer from the provider (any HTTP status) means it did not send: the retry may. No answer
      // (timeout, connection cut) leaves the marker, and the email is not sent twice.
      const classified = err instanceof ProviderError ? err : sender.def.classifyError(err);
      if (classified.details.status !== undefined) await marker.release();
      throw err;
    }
    await marker.sent();
    return { state: 'sent', via: sender.def.name };
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
