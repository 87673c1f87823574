/** Edit template (App Home → Workflows): the team's template as text in a modal; managers only. */
import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { templateToText } from '../../../domain/accounts/template-text.js';
import { accountsOnTemplate, teamTemplate } from '../../../domain/accounts/templates.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage, threadAdmins, whoCanHelp } from '../../../domain/connections/permissions.js';
import { workflowSettings } from '../../../domain/workflows/settings.js';
import { ACTIONS } from '../../../views/ids.js';
import { templateModal } from '../../../views/modals/template.js';

export function registerTemplateEditAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.templateEdit, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId;
    if (!teamId) return;
    if (!(await canManage(services, teamId, body.user.id))) {
      const helpers = whoCanHelp(await threadAdmins(services, teamId));
      await publishHome(
        services,
        teamId,
        body.user.id,
        `Only workspace admins and Thread admins can change the onboarding template. ${helpers}.`,
      );
      return;
    }
    const { templateId } = await workflowSettings(services.db, teamId);
    const template = await teamTemplate(services.db, teamId, templateId);
    const inFlight = await accountsOnTemplate(services.db, template.templateId);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: templateModal(
        {
          id: template.templateId,
          name: template.name,
          version: template.version,
          text: templateToText(template.milestones),
        },
        inFlight,
      ),
    });
  });
}
