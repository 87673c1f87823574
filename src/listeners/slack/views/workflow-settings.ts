import type { App, ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage } from '../../../domain/connections/permissions.js';
import {
  FORM_KINDS,
  type FormKind,
  type Submitted,
  saveSettingsForm,
} from '../../../domain/workflows/settings-form.js';
import { VIEWS } from '../../../views/ids.js';

const metadata = z.object({
  kind: z.enum(FORM_KINDS as [FormKind, ...FormKind[]]),
  pipelineLabels: z.record(z.string(), z.string()).optional(),
});

/**
 * A workflow settings modal's Save. The metadata and values are untrusted: the kind must be one Thread
 * has, the permission is checked again, and every value is validated before anything is written.
 * Problems go back into the modal next to their field (`response_action: errors`).
 */
export function registerWorkflowSettingsSubmit(app: App, services: Services): void {
  app.view(VIEWS.workflowSettings, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    let meta: z.infer<typeof metadata>;
    try {
      meta = metadata.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack();
      return;
    }
    const blocks = Object.keys(view.state.values);
    if (!teamId || !(await canManage(services, teamId, body.user.id))) {
      if (blocks[0]) {
        await ack({
          response_action: 'errors',
          errors: { [blocks[0]]: 'Only workspace admins and Thread admins can change these settings.' },
        });
      } else await ack();
      return;
    }
    const values: Record<string, Submitted> = {};
    for (const [blockId, actions] of Object.entries(view.state.values)) {
      const first = Object.values(actions)[0];
      if (first) values[blockId] = submitted(first);
    }
    const result = await saveSettingsForm(services, teamId, body.user.id, meta.kind, values, meta);
    if ('errors' in result) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack();
    await publishHome(services, teamId, body.user.id, 'Workflow settings saved.');
  });
}

function submitted(a: ViewStateValue): Submitted {
  switch (a.type) {
    case 'static_select':
      return { value: a.selected_option?.value ?? null, label: a.selected_option?.text.text ?? null };
    case 'conversations_select':
      return { value: a.selected_conversation ?? null };
    case 'checkboxes':
      return { checked: Boolean(a.selected_options?.length) };
    default:
      return { value: a.value ?? null };
  }
}
