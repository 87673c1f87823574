/**
 * Gmail: `users.messages.send` with the whole message as RFC 2822 text, base64url-encoded in `raw`, sent
 * as the connected user. No idempotency key: the caller decides what a retry may do.
 *
 * developers.google.com/gmail/api/guides/sending ("Emails are sent as base64url encoded strings within
 * the raw property"; "MIME email messages compliant with RFC 2822"); reference/rest/v1/users.messages/send
 * (scope `https://www.googleapis.com/auth/gmail.send`).
 *
 * Header injection: every header value Thread writes is either an address checked to be one plain
 * `local@domain` or an RFC 2047 encoded word (base64 of the UTF-8 text), so a CR/LF in a name or subject
 * can never start a header of its own. The body travels base64-encoded too.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import type { MailSender, OutgoingMail } from '../types.js';
import { googleClients } from './client.js';

export const gmailMail: MailSender = {
  async send(ctx, mail) {
    const [{ gmail }, { auth, rootUrl }] = await Promise.all([
      import('@googleapis/gmail'),
      googleClients(ctx),
    ]);
    const client: gmail_v1.Gmail = gmail({ version: 'v1', auth, rootUrl, retry: false });
    await client.users.messages.send({ userId: 'me', requestBody: { raw: rawMessage(mail) } });
  },
};

/** One plain address: no spaces, quotes, angle brackets, commas or line breaks. */
const PLAIN_ADDRESS = /^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+\.[^\s<>()",;:\\@]+$/;

/** RFC 2047 encoded word: any text, line breaks included, becomes inert base64. */
function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The message as RFC 2822 text, base64url-encoded for `raw`. */
export function rawMessage(mail: OutgoingMail): string {
  if (!mail.to.length || mail.to.some((r) => !PLAIN_ADDRESS.test(r.email))) {
    throw new Error('not a plain email address');
  }
  const to = mail.to.map((r) => (r.name ? `${encodedWord(r.name)} <${r.email}>` : r.email)).join(', ');
  const body = Buffer.from(mail.html, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');
  const text = [
    `To: ${to}`,
    `Subject: ${encodedWord(mail.subject)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
  return Buffer.from(text, 'utf8').toString('base64url');
}
