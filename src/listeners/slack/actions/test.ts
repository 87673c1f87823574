import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { publishHome } from '../../../domain/connections/home.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { testConnection } from '../../../domain/connections/test-connection.js';
import { ACTIONS } from '../../../views/ids.js';
import { testResultMessage } from '../../../views/messages/connectors.js';
import { providerFromButton } from './connector-button.js';

/** Test on the dashboard: anyone may test; the result shows at the top of their Home tab. */
export function registerTestAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.test, async ({ ack, body, context }) => {
    await ack();
    const def = providerFromButton(body);
    if (!context.teamId || !def) return;
    const result = await testConnection(services, context.teamId, def.id);
    const providerWords = await canManage(services, context.teamId, body.user.id);
    const note =
      'notConnected' in result
        ? `${def.name} is not connected.`
        : testResultMessage(def, result, { providerWords }).text;
    await publishHome(services, context.teamId, body.user.id, note);
  });
}
