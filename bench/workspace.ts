/**
 * A busy workspace's accounts, written straight to the tables in a few batched inserts (seeding through
 * handoffs would take minutes and measure the handoff, not the Home): accounts spread over several CSMs,
 * each on the default template with its milestones part done, half with a customer channel, some of those
 * with recent customer replies and the rest gone silent, and a tenth already live.
 */
import { sql } from 'kysely';
import type { Services } from '../src/app/services.js';
import { snapshot } from '../src/domain/accounts/apply-template.js';
import { defaultTemplate } from '../src/domain/accounts/templates.js';
import { forgetTrackedChannels } from '../src/domain/channels/tracked.js';

/** The viewer (UADMIN) is one of them, so their Home shows "Your accounts" and the silent ones. */
export const CSMS = ['UADMIN', 'UCSM1', 'UCSM2', 'UCSM3', 'UCSM4'];

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at a dozen columns a row. */
const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  return Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) =>
    items.slice(i * CHUNK, (i + 1) * CHUNK),
  );
}

const DAY = 24 * 60 * 60 * 1000;

export async function seedAccounts(services: Services, teamId: string, count: number): Promise<void> {
  const db = services.db;
  const template = await defaultTemplate(db, teamId);
  await db
    .insertInto('csm_pool')
    .values(CSMS.map((user_id) => ({ team_id: teamId, user_id, capacity: count, added_by: 'UADMIN' })))
    .onConflict((oc) => oc.doNothing())
    .execute();

  // Started over the last 60 days, so due dates spread from overdue to weeks ahead.
  const started = (i: number) => new Date(Date.now() - (i % 60) * DAY);
  const accounts = await db
    .insertInto('accounts')
    .values(
      Array.from({ length: count }, (_, i) => ({
        team_id: teamId,
        name: `Customer ${String(i + 1).padStart(4, '0')}`,
        domain: `customer-${i + 1}.example`,
        source: 'hubspot' as const,
        external_id: `bench-${i + 1}`,
        csm_user_id: CSMS[i % CSMS.length]!,
        stage: i % 10 === 9 ? ('live' as const) : ('onboarding' as const),
        customer_channel_id: i % 2 === 0 ? `C0CUST${String(i + 1).padStart(5, '0')}` : null,
        template_id: template.templateId,
        template_version: template.version,
        created_at: started(i),
        updated_at: started(i),
      })),
    )
    .returning(['id', 'customer_channel_id', 'stage'])
    .execute();

  const milestones = accounts.flatMap((a, i) => {
    const plan = snapshot(template, started(i).toISOString().slice(0, 10));
    // Live accounts have finished the plan; the others are somewhere along it.
    const done = a.stage === 'live' ? plan.length : i % plan.length;
    return plan.map((m) => ({
      account_id: a.id,
      ...m,
      status:
        m.position < done
          ? ('done' as const)
          : m.position === done
            ? ('in_progress' as const)
            : ('pending' as const),
      started_at: m.position <= done ? started(i) : null,
      completed_at: m.position < done ? started(i) : null,
    }));
  });
  for (const batch of chunks(milestones)) await db.insertInto('account_milestones').values(batch).execute();

  // A customer reply yesterday in every third channel: those accounts are not silent.
  const replies = accounts
    .filter((a, i) => a.customer_channel_id && i % 3 === 0)
    .map((a, i) => ({
      team_id: teamId,
      account_id: a.id,
      channel_id: a.customer_channel_id!,
      kind: 'reply' as const,
      item_key: `bench-reply-${i}`,
      message_ts: '1700000000.000100',
      user_id: 'UCUSTOMER',
      event_ts: `${Math.floor(Date.now() / 1000) - 86_400}.000000`,
      occurred_at: sql<Date>`now() - interval '1 day'`,
    }));
  for (const batch of chunks(replies)) await db.insertInto('engagement_events').values(batch).execute();
  // Written straight to the table: drop the cache of channels Thread tracks, as linking a channel does.
  forgetTrackedChannels(services, teamId);
}
