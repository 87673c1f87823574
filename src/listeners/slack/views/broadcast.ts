/**
 * The broadcast modal's submit. Everything in it is untrusted: the sender is checked again, the message
 * and the stages are validated (a bad field is answered on that field, nothing is sent).
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { AccountStage } from '../../../app/db-types.js';
import type { Services } from '../../../app/services.js';
import { broadcastTargets, startBroadcast } from '../../../domain/broadcast/broadcast.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { VIEWS } from '../../../views/ids.js';
import { BROADCAST_MAX, BROADCAST_FIELDS as F, STAGE_OPTIONS } from '../../../views/modals/broadcast.js';

const STAGES = STAGE_OPTIONS.map((s) => s.value) as [AccountStage, ...AccountStage[]];

const Values = z.object({
  [F.message.block]: z.object({ [F.message.action]: z.object({ value: z.string().nullish() }) }),
  [F.target.block]: z.object({
    [F.target.action]: z.object({
      selected_option: z.object({ value: z.enum(['all', 'stages']) }).nullish(),
    }),
  }),
  [F.stages.block]: z
    .object({
      [F.stages.action]: z.object({
        selected_options: z.array(z.object({ value: z.enum(STAGES) })).nullish(),
      }),
    })
    .optional(),
});

type Errors = Record<string, string>;

export function registerBroadcastSubmit(app: App, services: Services): void {
  app.view(VIEWS.broadcast, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    const parsed = Values.safeParse(view.state.values);
    if (!teamId || !parsed.success) {
      await ack({
        response_action: 'errors',
        errors: {
          [F.message.block]: 'Thread could not read this form. Close it and run `/thread broadcast` again.',
        },
      });
      return;
    }
    const v = parsed.data;
    const message = (v[F.message.block][F.message.action].value ?? '').trim();
    const target = v[F.target.block][F.target.action].selected_option?.value ?? 'all';
    const stages =
      target === 'stages'
        ? (v[F.stages.block]?.[F.stages.action].selected_options ?? []).map((o) => o.value)
        : null;
    const errors: Errors = {};
    if (!message) errors[F.message.block] = 'Write the message to send.';
    else if (message.length > BROADCAST_MAX) errors[F.message.block] = `At most ${BROADCAST_MAX} characters.`;
    if (stages && !stages.length)
      errors[F.stages.block] = 'Pick at least one stage, or send to every customer channel.';
    if (!Object.keys(errors).length && !(await canManage(services, teamId, body.user.id))) {
      errors[F.message.block] = 'Only workspace admins and Thread admins can broadcast to customer channels.';
    }
    if (!Object.keys(errors).length && !(await broadcastTargets(services, teamId, stages)).length) {
      errors[F.target.block] = 'No customer channel belongs to an account in those stages.';
    }
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    await startBroadcast(services, { teamId, senderId: body.user.id, message, stages });
  });
}
