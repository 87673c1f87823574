/**
 * What `/thread accounts` and `/thread account <name>` show: each account with its milestone progress,
 * and one account in full. Shaped for the views (plain values, no rows).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../app/db-types.js';
import type { AccountLine, AccountView, LastRunView } from '../../views/messages/accounts.js';
import { customerChannelOf } from '../channels/overview.js';

/** The views' own shapes: the domain fills them, so there is one definition of what is shown. */
export type AccountSummary = AccountLine;
export type AccountDetail = AccountView;

/**
 * The team's accounts, one row each with its milestones counted (skipped ones count as done): the query
 * every list of accounts narrows and orders.
 */
export function accountSummaryQuery(db: Kysely<DB>, teamId: string) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('account_milestones as m', 'm.account_id', 'a.id')
    .select([
      'a.id',
      'a.name',
      'a.stage',
      'a.csm_user_id as csmUserId',
      sql<number>`count(m.id) filter (where m.status in ('done', 'skipped'))::int`.as('done'),
      sql<number>`count(m.id)::int`.as('total'),
    ])
    .where('a.team_id', '=', teamId)
    .groupBy('a.id');
}

/** Every account of the team, open ones first, then by name. */
export async function accountSummaries(db: Kysely<DB>, teamId: string): Promise<AccountSummary[]> {
  const rows = await accountSummaryQuery(db, teamId)
    .orderBy(sql`a.stage in ('live', 'closed')`)
    .orderBy(sql`lower(a.name)`)
    .execute();
  return rows.map(({ id: _id, ...summary }) => summary);
}

export type AccountLookup =
  | { found: 'one'; account: AccountDetail }
  | { found: 'none' }
  | { found: 'several'; names: string[]; total: number };

/** How many of several matches a reply names before "and N more". */
const SHOWN_MATCHES = 10;

/**
 * An account by what a person typed: the exact name (any case) if one has it, else the accounts whose
 * name contains it. Several matches are listed, never guessed between.
 */
export async function findAccount(db: Kysely<DB>, teamId: string, typed: string): Promise<AccountLookup> {
  const matches = await matchAccounts(db, teamId, typed);
  if (!matches.length) return { found: 'none' };
  if (matches.length > 1) {
    return {
      found: 'several',
      names: matches.slice(0, SHOWN_MATCHES).map((m) => m.name),
      total: matches.length,
    };
  }
  return { found: 'one', account: await detail(db, matches[0]!) };
}

/** The accounts `typed` names, by the rule above (exact name first, else containing it), with their ids. */
export async function matchAccounts(db: Kysely<DB>, teamId: string, typed: string) {
  const wanted = typed.trim().toLowerCase();
  const exact = await accountSummaryQuery(db, teamId).where(sql`lower(a.name)`, '=', wanted).execute();
  const matches = exact.length
    ? exact
    : await accountSummaryQuery(db, teamId)
        // strpos, not LIKE: a typed % or _ is a character to find, not a wildcard.
        .where(sql`strpos(lower(a.name), ${wanted})`, '>', 0)
        .orderBy(sql`lower(a.name)`)
        .execute();
  return matches;
}

/** One account in full by its id (a workflow's account), or undefined when it is gone. */
export async function accountById(
  db: Kysely<DB>,
  teamId: string,
  accountId: string,
): Promise<AccountDetail | undefined> {
  const summary = await accountSummaryQuery(db, teamId).where('a.id', '=', accountId).executeTakeFirst();
  return summary && detail(db, summary);
}

async function detail(db: Kysely<DB>, summary: AccountSummary & { id: string }): Promise<AccountDetail> {
  const account = await db
    .selectFrom('accounts as a')
    .leftJoin('templates as t', 't.id', 'a.template_id')
    .select([
      'a.source',
      'a.domain',
      'a.amount',
      'a.currency',
      'a.close_date',
      'a.ae_name',
      'a.ae_email',
      't.name as template_name',
      'a.template_version',
      'a.crm_follow_note',
      'a.crm_write_problem',
    ])
    .where('a.id', '=', summary.id)
    .executeTakeFirstOrThrow();
  const milestones = await db
    .selectFrom('account_milestones')
    .select(['id', 'name', 'due_date as dueDate', 'status', 'go_live as goLive'])
    .where('account_id', '=', summary.id)
    .orderBy('position')
    .execute();
  const { id: _id, ...rest } = summary;
  const run = await lastRunOf(db, summary.id);
  return {
    ...rest,
    source: account.source,
    domain: account.domain,
    amount: account.amount,
    currency: account.currency,
    closeDate: account.close_date,
    aeName: account.ae_name,
    aeEmail: account.ae_email,
    template:
      account.template_name && account.template_version
        ? { name: account.template_name, version: account.template_version }
        : null,
    milestones,
    ...(await customerChannelOf(db, summary.id)),
    lastRun: run ?? null,
    crmNote: account.crm_follow_note,
    crmWriteProblem: account.crm_write_problem,
  };
}

/** The account's latest run, with the step that failed (or whose last attempt failed) and why. */
export async function lastRunOf(db: Kysely<DB>, accountId: string): Promise<LastRunView | undefined> {
  const run = await db
    .selectFrom('workflow_runs')
    .select(['status', 'steps', 'updated_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!run) return undefined;
  return { status: run.status, at: run.updated_at, ...failedStepOf(run) };
}

/** The failed step of a run (a failed run's last, a running run's failed attempt); none when all went well. */
export function failedStepOf(run: { status: string; steps: unknown[] }): {
  failedStep?: string;
  reason?: string;
} {
  if (run.status === 'completed') return {};
  const failed = (run.steps as { name: string; status: string; error: string | null }[]).find(
    (s) => s.status === 'failed',
  );
  return failed ? { failedStep: failed.name, reason: failed.error ?? undefined } : {};
}
