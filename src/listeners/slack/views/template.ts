/**
 * The template editor's Save. The template id and the text are untrusted: the id must be one of this
 * team's templates, the permission is checked again, and the text is parsed strictly — every problem
 * goes back into the modal with its line number, and nothing is saved until there are none.
 */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { parseTemplateText } from '../../../domain/accounts/template-text.js';
import { editTemplate } from '../../../domain/accounts/templates.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { VIEWS } from '../../../views/ids.js';
import { TEMPLATE_BLOCK, TEMPLATE_INPUT } from '../../../views/modals/template.js';

export function registerTemplateSubmit(app: App, services: Services): void {
  app.view(VIEWS.template, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    const refuse = (why: string) => ack({ response_action: 'errors', errors: { [TEMPLATE_BLOCK]: why } });
    if (!teamId || !(await canManage(services, teamId, body.user.id))) {
      await refuse('Only workspace admins and Thread admins can change the onboarding template.');
      return;
    }
    const template = await services.db
      .selectFrom('templates')
      .select(['id', 'name'])
      .where('team_id', '=', teamId)
      .where('id', '=', /^[0-9a-f-]{36}$/i.test(view.private_metadata) ? view.private_metadata : null)
      .executeTakeFirst();
    if (!template) {
      await refuse('That template is no longer there: close this and open the editor again.');
      return;
    }
    const text = view.state.values[TEMPLATE_BLOCK]?.[TEMPLATE_INPUT]?.value ?? '';
    const parsed = parseTemplateText(text);
    if (!parsed.ok) {
      // An input error shows under the box; Slack cuts it at 2,000 characters, so the first few problems.
      await refuse(parsed.problems.slice(0, 5).join('\n').slice(0, 1900));
      return;
    }
    await ack();
    const saved = await editTemplate(services.db, template.id, parsed.milestones, body.user.id);
    await publishHome(
      services,
      teamId,
      body.user.id,
      `Onboarding template saved: version ${saved.version}, ${saved.milestones.length} milestones. New accounts get it; accounts already onboarding keep theirs.`,
    );
  });
}
