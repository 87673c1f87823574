import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { activeConnection } from '../../../domain/connections/find.js';
import { ACTIONS } from '../../../views/ids.js';
import { disconnectModal } from '../../../views/modals/connectors.js';
import { providerFromButton } from './connector-button.js';
import { managerOrSayWho } from './managers-only.js';

/** Disconnect on the dashboard: admins get a confirmation modal; others a polite refusal. */
export function registerDisconnectAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.disconnect, async ({ ack, body, client, context }) => {
    await ack();
    const teamId = context.teamId;
    const def = providerFromButton(body);
    if (!teamId || !def) return;
    if (!(await managerOrSayWho(services, teamId, body.user.id, `disconnect ${def.name}`))) return;
    const connection = await activeConnection(services.db, teamId, def.id);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: disconnectModal(def, connection?.external_account_label ?? undefined),
    });
  });
}
