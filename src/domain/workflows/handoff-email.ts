/**
 * The handoff email to the AE, sent as the person who connected Microsoft 365 (Graph sendMail) or, when
 * only Google is connected, Gmail. Neither connected: nothing is sent and the run and the handoff post say
 * so. The team can turn it off (`aeEmail` in the workflow settings; on by default).
 *
 * At most once, across crashes and retries (mail/send-once.ts), with one `handoff_emails` row per run as
 * the marker; the Slack DM carries the same request, so a "maybe sent" costs little.
 */
import type { Services } from '../../app/services.js';
import { type MailOutcome, NO_MAIL_PROVIDER, oneLine, sendMailOnce } from '../mail/send-once.js';
import { workflowSettings } from './settings.js';

export { NO_MAIL_PROVIDER };

export type EmailContext = { state: 'off' } | { state: 'no address' } | MailOutcome;

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
  // The marker: one `handoff_emails` row per run.
  const marker = {
    claim: async (provider: string) => {
      const claimed = await services.db
        .insertInto('handoff_emails')
        .values({ run_id: run.id, team_id: run.teamId, provider, status: 'sending' })
        .onConflict((oc) => oc.column('run_id').doNothing())
        .returning('run_id')
        .executeTakeFirst();
      if (claimed) return 'claimed' as const;
      return services.db
        .selectFrom('handoff_emails')
        .select(['status', 'provider'])
        .where('run_id', '=', run.id)
        .executeTakeFirstOrThrow();
    },
    release: async () => {
      await services.db.deleteFrom('handoff_emails').where('run_id', '=', run.id).execute();
    },
    sent: async () => {
      await services.db
        .updateTable('handoff_emails')
        .set({ status: 'sent', updated_at: new Date() })
        .where('run_id', '=', run.id)
        .execute();
    },
  };
  return sendMailOnce(services, run.teamId, {
    to: [{ email: to, name: oneLine(mail.aeName ?? '') || null }],
    subject: mail.subject,
    html: mail.html,
    marker,
  });
}
