/**
 * A template's timed actions: when a milestone starts, each of its actions (a Slack message to the
 * customer channel, or an email to the customer's contacts or the AE) falls due `delay_hours` later
 * (0–720). One row per action (`milestone_actions`) is written when the milestone starts — once, however
 * often the start is announced — and a job is queued for its time. The job does the action once: the
 * Slack message is a keyed delivery; the email is sent at most once (the row is its marker, see
 * mail/send-once.ts). An action whose account closed, or that has nowhere to go (no customer channel,
 * no address, no mail connection), is skipped with the reason in words on the row.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { escapeText, userMention } from '../../views/mrkdwn.js';
import { customerContacts } from '../accounts/contacts.js';
import { enqueueDelivery } from '../deliveries/deliveries.js';
import { sendMailOnce } from '../mail/send-once.js';
import { STUCK_AFTER_MINUTES } from '../recovery/stuck-work.js';

export const MILESTONE_ACTION_JOB = 'milestone-action';

export interface MilestoneActionJob {
  milestoneId: string;
  position: number;
}

export const MAX_DELAY_HOURS = 720;
/** Why a Slack message action waits: done when a customer channel is linked (`actionsWaitingForChannel`). */
export const NO_CHANNEL = 'no customer channel to post in yet: it is posted when one is linked';

/** The boundary for actions (a template edit; what a stored snapshot holds): anything else is refused. */
export const templateActionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('slack_message'),
    delay_hours: z.number().int().min(0).max(MAX_DELAY_HOURS),
    text: z.string().trim().min(1).max(3000),
  }),
  z.object({
    type: z.literal('email'),
    delay_hours: z.number().int().min(0).max(MAX_DELAY_HOURS),
    to: z.enum(['customer', 'ae']),
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(10_000),
  }),
]);

/** Queues the started milestone's actions; returns how many were new (0 when announced before). */
export async function scheduleActions(
  services: Services,
  teamId: string,
  milestoneId: string,
): Promise<number> {
  const m = await services.db
    .selectFrom('account_milestones')
    .select(['actions', 'started_at'])
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  if (!m?.actions.length) return 0;
  const from = (m.started_at ?? new Date()).getTime();
  const rows = m.actions.map((a, position) => ({
    milestone_id: milestoneId,
    position,
    team_id: teamId,
    due_at: new Date(from + (Number(a.delay_hours) || 0) * 3_600_000),
  }));
  const inserted = await services.db
    .insertInto('milestone_actions')
    .values(rows)
    .onConflict((oc) => oc.columns(['milestone_id', 'position']).doNothing())
    .returning(['position', 'due_at'])
    .execute();
  if (inserted.length) {
    await services.jobs.sendMany(
      MILESTONE_ACTION_JOB,
      inserted.map((r) => ({ data: { milestoneId, position: r.position }, startAfter: r.due_at })),
    );
  }
  return inserted.length;
}

/** The actions of the account's milestones in progress (the plan just applied), each queued once. */
export async function scheduleStartedActions(
  services: Services,
  teamId: string,
  accountId: string,
): Promise<number> {
  const started = await services.db
    .selectFrom('account_milestones')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'in_progress')
    .execute();
  let n = 0;
  for (const m of started) n += await scheduleActions(services, teamId, m.id);
  return n;
}

export type ActionOutcome = 'sent' | 'skipped' | 'already done';

/** The job: one action, done once. */
export async function runAction(services: Services, job: MilestoneActionJob): Promise<ActionOutcome> {
  const row = await services.db
    .selectFrom('milestone_actions as x')
    .innerJoin('account_milestones as m', 'm.id', 'x.milestone_id')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select([
      'x.status',
      'x.team_id',
      'm.name as milestone',
      'm.status as milestoneStatus',
      'm.actions',
      'a.id as accountId',
      'a.name as account',
      'a.stage',
      'a.csm_user_id',
      'a.customer_channel_id',
      'a.ae_email',
    ])
    .where('x.milestone_id', '=', job.milestoneId)
    .where('x.position', '=', job.position)
    .executeTakeFirst();
  if (!row || row.status === 'sent' || row.status === 'skipped' || row.status === 'failed') {
    return 'already done';
  }
  const skip = async (why: string): Promise<ActionOutcome> => {
    await mark(services, job, 'skipped', why);
    return 'skipped';
  };
  const parsed = templateActionSchema.safeParse(row.actions[job.position]);
  if (!parsed.success) return skip('the template’s action is not one Thread can do');
  if (row.stage === 'closed') return skip('the account was closed');
  // Skipped: this customer does not need the milestone, so nothing it would have said goes out.
  if (row.milestoneStatus === 'skipped') return skip('the milestone was skipped');
  const action = parsed.data;
  const fill = (t: string, esc: (s: string) => string, csm: string) =>
    t
      .replaceAll('{account}', esc(row.account))
      .replaceAll('{milestone}', esc(row.milestone))
      .replaceAll('{csm}', csm);

  if (action.type === 'slack_message') {
    if (!row.customer_channel_id) return skip(NO_CHANNEL);
    await enqueueDelivery(services, {
      teamId: row.team_id,
      channel: row.customer_channel_id,
      key: `milestone-action:${job.milestoneId}:${job.position}`,
      // The template's words are the team's own; the special mentions are not allowed in a customer's channel.
      message: {
        text: withoutBroadcasts(
          fill(action.text, escapeText, row.csm_user_id ? userMention(row.csm_user_id) : 'your CSM'),
        ),
      },
    });
    await mark(services, job, 'sent', null);
    return 'sent';
  }

  const to =
    action.to === 'ae'
      ? [row.ae_email].filter((e): e is string => Boolean(e))
      : await customerContacts(services, row.team_id, row.accountId);
  if (!to.length)
    return skip(action.to === 'ae' ? 'the account has no AE email' : 'no customer contacts known');
  const plain = (s: string) => s;
  // A mention means nothing in an email: the customer reads "your CSM".
  const result = await sendMailOnce(services, row.team_id, {
    to: to.map((email) => ({ email, name: null })),
    subject: fill(action.subject, plain, 'your CSM'),
    html: paragraphs(fill(action.body, plain, 'your CSM')),
    marker: {
      claim: async (provider: string) => {
        const claimed = await services.db
          .updateTable('milestone_actions')
          .set({ status: 'sending', updated_at: sql`now()` })
          .where('milestone_id', '=', job.milestoneId)
          .where('position', '=', job.position)
          .where('status', '=', 'scheduled')
          .returning('status')
          .executeTakeFirst();
        // Not 'scheduled' any more: an earlier attempt claimed it and never recorded an answer.
        return claimed ? 'claimed' : { status: 'sending', provider };
      },
      release: () => mark(services, job, 'scheduled', null),
      sent: () => mark(services, job, 'sent', null),
    },
  });
  if (result.state === 'no provider') return skip(result.reason);
  if (result.state === 'maybe sent') {
    await mark(services, job, 'failed', 'may not have been sent: the mail provider did not answer');
    return 'skipped';
  }
  return 'sent';
}

async function mark(
  services: Services,
  job: MilestoneActionJob,
  status: 'scheduled' | 'sent' | 'skipped' | 'failed',
  detail: string | null,
): Promise<void> {
  await services.db
    .updateTable('milestone_actions')
    .set({ status, detail, updated_at: sql`now()` })
    .where('milestone_id', '=', job.milestoneId)
    .where('position', '=', job.position)
    .execute();
}

/** `<!channel>`, `<!here>`, `<!everyone>` and user-group pings out of a template's text. */
function withoutBroadcasts(t: string): string {
  return t.replace(/<!(channel|here|everyone|subteam\^[^>]*)[^>]*>/g, '@$1');
}

/** Plain text as HTML paragraphs, every character escaped. */
function paragraphs(t: string): string {
  const html = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return t
    .split(/\n{2,}/)
    .map((p) => `<p>${html(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/**
 * A customer channel was linked or created: the account's Slack message actions that found none (the
 * welcome when the plan started, before the channel existed) are done now — those of milestones still
 * in progress, so a message about a milestone long finished is not posted late.
 */
export async function actionsWaitingForChannel(
  services: Services,
  teamId: string,
  accountId: string,
): Promise<number> {
  const rows = await services.db
    .updateTable('milestone_actions as x')
    .from('account_milestones as m')
    .set({ status: 'scheduled', detail: null, due_at: sql`now()`, updated_at: sql`now()` })
    .whereRef('m.id', '=', 'x.milestone_id')
    .where('m.account_id', '=', accountId)
    .where('m.status', '=', 'in_progress')
    .where('x.team_id', '=', teamId)
    .where('x.status', '=', 'skipped')
    .where('x.detail', '=', NO_CHANNEL)
    .returning(['x.milestone_id as milestoneId', 'x.position'])
    .execute();
  if (rows.length)
    await services.jobs.sendMany(
      MILESTONE_ACTION_JOB,
      rows.map((data) => ({ data })),
    );
  return rows.length;
}

/** Actions due a while ago whose job never ran (a crash between the row and the queue): for the sweep. */
export async function stuckActions(services: Services): Promise<MilestoneActionJob[]> {
  return services.db
    .selectFrom('milestone_actions')
    .select(['milestone_id as milestoneId', 'position'])
    .where('status', '=', 'scheduled')
    .where('due_at', '<', sql<Date>`now() - make_interval(mins => ${STUCK_AFTER_MINUTES})`)
    .execute();
}
