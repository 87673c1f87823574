/**
 * The milestone buttons — Start and Mark done, in the account view (a modal) and the CSM's DM, Skip in
 * the account view — and
 * Open account (App Home, DMs). Each click is acked at once, re-checked (the ids are untrusted; only the
 * account's CSM and managers may change it), and answered where it was clicked: the modal is redrawn
 * with the outcome on top (and the clicker's App Home, often underneath, republished), the DM is replaced by the outcome and the next milestone's button, and a
 * refusal is said to the clicker alone.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../../app/services.js';
import { accountById } from '../../../domain/accounts/overview.js';
import { mayWorkOn } from '../../../domain/accounts/permission.js';
import { publishHome } from '../../../domain/connections/home.js';
import { completeMilestone, skipMilestone, startMilestone } from '../../../domain/milestones/change.js';
import { progressOf } from '../../../domain/milestones/progress.js';
import { ACTIONS } from '../../../views/ids.js';
import { milestoneDoneDm, milestoneReply, milestoneStartedDm } from '../../../views/messages/milestones.js';
import { accountModal } from '../../../views/modals/account.js';

type Click = BlockAction<ButtonAction>;

export function registerMilestoneButtons(app: App, services: Services): void {
  for (const [actionId, change] of [
    [ACTIONS.milestoneDone, completeMilestone],
    [ACTIONS.milestoneStart, startMilestone],
    [ACTIONS.milestoneSkip, skipMilestone],
  ] as const) {
    app.action<Click>(actionId, async ({ ack, body, action, context, client, respond }) => {
      await ack();
      const teamId = context.teamId;
      if (!teamId) return;
      const actor = { teamId, userId: body.user.id };
      const result = await change(services, actor, action.value ?? '');
      const accountId = 'milestone' in result ? result.milestone.accountId : undefined;
      const view = accountId ? await progressOf(services.db, teamId, accountId) : undefined;
      const name = 'milestone' in result ? result.milestone.name : '';
      const reply = milestoneReply(result, view, name);
      const changed =
        result.outcome === 'completed' || result.outcome === 'started' || result.outcome === 'skipped';

      // In the account view: redrawn as it now is, with the outcome (or the refusal) on top.
      const viewed = accountId ?? body.view?.private_metadata;
      if (body.view?.type === 'modal' && viewed) {
        await redrawModal(services, client, body, teamId, viewed, reply.text);
        // The view is often opened from App Home, which stays underneath: its list moves on too.
        if (changed) await publishHome(services, teamId, actor.userId);
        return;
      }
      const moved = result.outcome === 'completed' || result.outcome === 'started';
      if (body.container?.type === 'message' && view && 'milestone' in result && moved) {
        const dm =
          result.outcome === 'completed'
            ? milestoneDoneDm(view, result.milestone.id)
            : milestoneStartedDm(view, result.milestone.id, null);
        await respond({ replace_original: true, ...dm });
        return;
      }
      // App Home has no response_url: the answer goes at the top of the tab.
      if (body.view?.type === 'home') await publishHome(services, teamId, actor.userId, reply.text);
      else await respond({ response_type: 'ephemeral', replace_original: false, ...reply });
    });
  }

  app.action<Click>(ACTIONS.accountOpen, async ({ ack, body, action, context, client, respond }) => {
    await ack();
    const teamId = context.teamId;
    if (!teamId) return;
    const accountId = action.value ?? '';
    const modal = await modalFor(services, teamId, body.user.id, accountId);
    if (!modal) {
      const gone = 'That account is no longer in Thread. `/thread accounts` lists them all.';
      if (body.view?.type === 'home') await publishHome(services, teamId, body.user.id, gone);
      else await respond({ response_type: 'ephemeral', replace_original: false, text: gone });
      return;
    }
    // From inside a modal the account view stacks on it; from Home or a DM it opens.
    if (body.view?.type === 'modal') await client.views.push({ trigger_id: body.trigger_id, view: modal });
    else await client.views.open({ trigger_id: body.trigger_id, view: modal });
  });
}

async function modalFor(
  services: Services,
  teamId: string,
  userId: string,
  accountId: string,
  note?: string,
) {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!UUID.test(accountId)) return undefined;
  const account = await accountById(services.db, teamId, accountId);
  if (!account) return undefined;
  const canChange = await mayWorkOn(services, teamId, userId, account);
  return accountModal(accountId, account, { canChange, ...(note ? { note } : {}) });
}

/** The account view again, as it now is, with what the click did on top. */
async function redrawModal(
  services: Services,
  client: WebClient,
  body: Click,
  teamId: string,
  accountId: string,
  note: string,
): Promise<void> {
  const view = await modalFor(services, teamId, body.user.id, accountId, note);
  if (!view || !body.view) return;
  await client.views.update({ view_id: body.view.id, view });
}
