/**
 * Starting an account's onboarding: the template's current milestones are copied onto the account with
 * due dates, and the account records which template and version it started from. The copy is the
 * account's own — editing the template later changes nothing here. Applying twice is a no-op (a retried
 * workflow step must not double the milestones).
 */
import { type Kysely, sql } from 'kysely';
import type { DB, TemplateMilestone } from '../../app/db-types.js';
import { currentVersion, defaultTemplate, type TemplateVersion } from './templates.js';

export interface ApplyResult {
  /** false when the account already had a template: nothing was changed. */
  applied: boolean;
  templateId: string | null;
  version: number | null;
}

export async function applyTemplate(
  db: Kysely<DB>,
  accountId: string,
  options: { templateId?: string; startDate?: string } = {},
): Promise<ApplyResult> {
  const { team_id } = await db
    .selectFrom('accounts')
    .select('team_id')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const template = options.templateId
    ? await currentVersion(db, options.templateId)
    : await defaultTemplate(db, team_id);
  return db.transaction().execute(async (trx) => {
    // Locked so two runs applying at once see each other: the second finds the template already there.
    const account = await trx
      .selectFrom('accounts')
      .select(['template_id', 'template_version'])
      .where('id', '=', accountId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (account.template_id || account.template_version) {
      return { applied: false, templateId: account.template_id, version: account.template_version };
    }
    // Onboarding begins with the first milestone in progress (its template actions are the caller's to
    // schedule: domain/milestones/actions.ts).
    await trx
      .insertInto('account_milestones')
      .values(
        snapshot(template, options.startDate ?? today()).map((m) => ({
          account_id: accountId,
          ...m,
          ...(m.position === 0 ? { status: 'in_progress' as const, started_at: sql<Date>`now()` } : {}),
        })),
      )
      .execute();
    await trx
      .updateTable('accounts')
      .set({
        template_id: template.templateId,
        template_version: template.version,
        stage: sql`case when stage = 'new' then 'onboarding' else stage end`,
        updated_at: sql`now()`,
      })
      .where('id', '=', accountId)
      .execute();
    return { applied: true, templateId: template.templateId, version: template.version };
  });
}

/** Milestones back to back from `start`: each is due when the ones before it and its own duration are done. */
export function snapshot(template: TemplateVersion, start: string) {
  let offset = 0;
  const marked = template.milestones.some((m) => m.go_live);
  const last = template.milestones.length - 1;
  return template.milestones.map((m: TemplateMilestone, position) => {
    offset += m.duration_days;
    return {
      position,
      name: m.name,
      description: m.description,
      due_date: addDays(start, offset),
      // No milestone marked as go-live: finishing the plan is going live.
      go_live: marked ? Boolean(m.go_live) : position === last,
      actions: JSON.stringify(m.actions ?? []),
    };
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
