/**
 * Outlook mail through Graph: `POST /me/sendMail` with a JSON message, sent as the connected user and
 * saved in their Sent Items. Graph answers 202 with no body and no message id, and takes no idempotency
 * key: the caller decides what a retry may do (see domain/workflows/handoff-email.ts).
 *
 * learn.microsoft.com/en-us/graph/api/user-sendmail: delegated permission `Mail.Send`; body
 * `{message: {subject, body: {contentType: 'HTML', content}, toRecipients: [{emailAddress: {address,
 * name}}]}, saveToSentItems}`; "If successful, this method returns 202 Accepted response code".
 */
import type { MailSender } from '../types.js';
import { graphClient } from './client.js';

export const outlookMail: MailSender = {
  async send(ctx, mail) {
    await (await graphClient(ctx)).api('/me/sendMail').post({
      message: {
        subject: mail.subject,
        body: { contentType: 'HTML', content: mail.html },
        toRecipients: mail.to.map((r) => ({
          emailAddress: { address: r.email, ...(r.name ? { name: r.name } : {}) },
        })),
      },
      saveToSentItems: true,
    });
  },
};
