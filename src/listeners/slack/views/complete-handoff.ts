/**
 * The "Complete handoff" modal's submit. private_metadata (the run id) is untrusted: the domain checks
 * the run is this workspace's and the person may complete it. Problems go back into the modal with
 * `response_action: 'errors'`, so nothing typed is lost.
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import { completeHandoff } from '../../../domain/workflows/ae-handoff.js';
import { VIEWS } from '../../../views/ids.js';
import {
  type CompleteHandoffForm,
  fieldBlockId,
  HANDOFF_FIELD_MAX,
  HANDOFF_FIELDS,
} from '../../../views/modals/complete-handoff.js';

const input = z.object({ value: z.string().nullish() }).passthrough();

export function registerCompleteHandoffSubmit(app: App, services: Services): void {
  app.view(VIEWS.completeHandoff, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    if (!teamId) return ack();
    const form = {} as CompleteHandoffForm;
    const errors: Record<string, string> = {};
    for (const f of HANDOFF_FIELDS) {
      const raw = view.state.values[fieldBlockId(f.key)]?.[fieldBlockId(f.key)];
      const parsed = input.safeParse(raw ?? {});
      const value = (parsed.success ? (parsed.data.value ?? '') : '').trim();
      if (f.required && !value) errors[fieldBlockId(f.key)] = `Please fill in ${f.label.toLowerCase()}.`;
      else if (value.length > HANDOFF_FIELD_MAX)
        errors[fieldBlockId(f.key)] = `At most ${HANDOFF_FIELD_MAX} characters (this has ${value.length}).`;
      form[f.key] = value;
    }
    if (Object.keys(errors).length) return ack({ response_action: 'errors', errors });
    const result = await completeHandoff(services, {
      teamId,
      runId: view.private_metadata,
      userId: body.user.id,
      form,
    });
    if (result.outcome === 'refused') {
      return ack({ response_action: 'errors', errors: { [fieldBlockId('goals')]: result.reason } });
    }
    return ack();
  });
}
