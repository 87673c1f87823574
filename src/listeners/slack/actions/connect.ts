import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { connectLink } from '../../../domain/connections/connect.js';
import { publishHome } from '../../../domain/connections/home.js';
import { NotConfiguredError } from '../../../providers/oauth/endpoints.js';
import { ACTIONS } from '../../../views/ids.js';
import { connectModal } from '../../../views/modals/connectors.js';
import { providerFromButton } from './connector-button.js';
import { managerOrSayWho } from './managers-only.js';

/** Connect / Reconnect on the dashboard: a modal holding a fresh, personal OAuth link. */
export function registerConnectActions(app: App, services: Services): void {
  for (const [actionId, reconnect] of [
    [ACTIONS.connect, false],
    [ACTIONS.reconnect, true],
  ] as const) {
    app.action<BlockAction>(actionId, async ({ ack, body, client, context }) => {
      await ack();
      const teamId = context.teamId;
      const def = providerFromButton(body);
      if (!teamId || !def) return;
      const userId = body.user.id;
      if (!(await managerOrSayWho(services, teamId, userId, `connect ${def.name}`))) return;
      try {
        const url = await connectLink(services, def, {
          teamId,
          userId,
          environment: Object.keys(def.oauth.environments ?? {})[0],
        });
        await client.views.open({ trigger_id: body.trigger_id, view: connectModal(def, url, reconnect) });
      } catch (err) {
        if (!(err instanceof NotConfiguredError)) throw err;
        await publishHome(services, teamId, userId, err.message);
      }
    });
  }
  // The link button inside the modal opens the browser; Slack still tells us it was clicked.
  app.action(ACTIONS.openLink, async ({ ack }) => {
    await ack();
  });
}
