/** Edit template (App Home → Workflows): the team's template as text in a modal; managers only. */
import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { templateToText } from '../../../domain/accounts/template-text.js';
import { accountsOnTemplate, teamTemplate } from '../../../domain/accounts/templates.js';
import { workflowSettings } from '../../../domain/workflows/settings.js';
import { ACTIONS } from '../../../views/ids.js';
import { templateModal } from '../../../views/modals/template.js';
import { managerOrSayWho } from './managers-only.js';

export function registerTemplateEditAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.templateEdit, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId;
    if (!teamId) return;
    if (!(await managerOrSayWho(services, teamId, body.user.id, `change the onboarding template`))) return;
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
