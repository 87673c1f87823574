/**
 * "Complete handoff" in the AE's DM: opens the prefilled modal. The button's value (a run id) is
 * untrusted: the run must be this workspace's, and the person the AE it was sent to or a Thread admin.
 * Anyone else gets an ephemeral answer saying who can.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { handoffForm } from '../../../domain/workflows/ae-handoff.js';
import { ACTIONS } from '../../../views/ids.js';
import { completeHandoffModal } from '../../../views/modals/complete-handoff.js';

export function registerCompleteHandoffAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.completeHandoff, async ({ ack, body, client, context, respond }) => {
    await ack();
    const teamId = context.teamId;
    const runId = (body.actions[0] as ButtonAction | undefined)?.value ?? '';
    if (!teamId) return;
    const form = await handoffForm(services, teamId, runId, body.user.id);
    if (!form.ok) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: form.reason });
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: completeHandoffModal({ runId, dealName: form.run.dealName, prefill: form.prefill }),
    });
  });
}
