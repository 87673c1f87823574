/**
 * Onboarding templates: a named, ordered list of milestones, kept in immutable versions. Every team gets
 * a default template the first time it needs one; editing a template writes a new version and moves the
 * template's pointer, so accounts that started on an older version keep their own copy untouched.
 */
import { type Kysely, sql } from 'kysely';
import type { DB, TemplateMilestone } from '../../app/db-types.js';
import { templateActionSchema } from '../milestones/actions.js';

export const DEFAULT_TEMPLATE_NAME = 'Standard onboarding';

/** A sensible first onboarding, about ten weeks end to end; a team edits it to fit. */
export const DEFAULT_MILESTONES: readonly TemplateMilestone[] = [
  {
    name: 'Kickoff call',
    description: 'Meet the customer, agree goals, owners and dates.',
    duration_days: 3,
    actions: [
      {
        type: 'slack_message',
        delay_hours: 0,
        text: '👋 Welcome to onboarding, {account}! {csm} leads it with you. First up: *{milestone}*. Reply here any time with questions.',
      },
    ],
  },
  { name: 'Technical setup', description: 'Accounts, SSO and integrations in place.', duration_days: 7 },
  {
    name: 'Data import',
    description: 'Historical data loaded and checked with the customer.',
    duration_days: 7,
  },
  { name: 'Training', description: 'Admins and end users trained.', duration_days: 7 },
  {
    name: 'Go-live review',
    description: 'Confirm the customer is live and the goals are met.',
    duration_days: 5,
    go_live: true,
  },
  { name: '30-day check-in', description: 'Usage review a month after go-live.', duration_days: 30 },
];

export interface TemplateVersion {
  templateId: string;
  name: string;
  version: number;
  milestones: TemplateMilestone[];
}

/** The team's default template, created (version 1) on first use; safe when two instances race. */
export async function defaultTemplate(db: Kysely<DB>, teamId: string): Promise<TemplateVersion> {
  const existing = await db
    .selectFrom('templates')
    .select('id')
    .where('team_id', '=', teamId)
    .where('is_default', '=', true)
    .executeTakeFirst();
  if (existing) return currentVersion(db, existing.id);
  await db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('templates')
      .values({ team_id: teamId, name: DEFAULT_TEMPLATE_NAME, is_default: true })
      // The loser of a race inserts nothing and reads the winner's template below.
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (created) {
      await trx
        .insertInto('template_versions')
        .values({ template_id: created.id, version: 1, milestones: JSON.stringify(DEFAULT_MILESTONES) })
        .execute();
    }
  });
  return defaultTemplate(db, teamId);
}

export async function currentVersion(db: Kysely<DB>, templateId: string): Promise<TemplateVersion> {
  return db
    .selectFrom('templates as t')
    .innerJoin('template_versions as v', (j) =>
      j.onRef('v.template_id', '=', 't.id').onRef('v.version', '=', 't.current_version'),
    )
    .select(['t.id as templateId', 't.name', 'v.version', 'v.milestones'])
    .where('t.id', '=', templateId)
    .executeTakeFirstOrThrow();
}

/** Replaces a template's milestones: a new version, which only accounts applied from now on get. */
export async function editTemplate(
  db: Kysely<DB>,
  templateId: string,
  milestones: readonly TemplateMilestone[],
  by: string,
): Promise<TemplateVersion> {
  // Checked here, not only in a form: a version is forever, and applying one copies it onto accounts.
  if (!milestones.length) throw new Error('a template needs at least one milestone');
  if (milestones.some((m) => !m.name.trim() || !Number.isInteger(m.duration_days) || m.duration_days < 0)) {
    throw new Error('each milestone needs a name and a whole number of days (0 or more)');
  }
  if (milestones.some((m) => (m.actions ?? []).some((a) => !templateActionSchema.safeParse(a).success))) {
    throw new Error(
      'each action is a Slack message (text) or an email (to the customer or the AE, subject and body), 0–720 hours after its milestone starts',
    );
  }
  return db.transaction().execute(async (trx) => {
    // The row lock orders concurrent edits, so each gets its own version number.
    const t = await trx
      .updateTable('templates')
      .set({ current_version: sql`current_version + 1`, updated_at: sql`now()` })
      .where('id', '=', templateId)
      .returning(['id', 'name', 'current_version'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('template_versions')
      .values({
        template_id: t.id,
        version: t.current_version,
        milestones: JSON.stringify(milestones),
        created_by: by,
      })
      .execute();
    return { templateId: t.id, name: t.name, version: t.current_version, milestones: [...milestones] };
  });
}

/** The template new accounts of the team get: the one chosen in the workflow settings, else the default. */
export async function teamTemplate(
  db: Kysely<DB>,
  teamId: string,
  chosenId: string | null,
): Promise<TemplateVersion> {
  if (chosenId) {
    const chosen = await db
      .selectFrom('templates')
      .select('id')
      .where('team_id', '=', teamId)
      .where('id', '=', chosenId)
      .executeTakeFirst();
    if (chosen) return currentVersion(db, chosen.id);
  }
  return defaultTemplate(db, teamId);
}

/** Accounts onboarding on some version of this template (they keep theirs when it is edited). */
export async function accountsOnTemplate(db: Kysely<DB>, templateId: string): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('template_id', '=', templateId)
    .where('stage', 'in', ['new', 'onboarding'])
    .executeTakeFirstOrThrow();
  return row.n;
}
