import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { recentLogs } from '../../../domain/connections/logs.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { ACTIONS } from '../../../views/ids.js';
import { logsModal } from '../../../views/modals/connectors.js';
import { providerFromButton } from './connector-button.js';

/** View logs: the team's last 20 (already redacted) log lines for that connector. */
export function registerViewLogsAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.viewLogs, async ({ ack, body, client, context }) => {
    await ack();
    const def = providerFromButton(body);
    if (!context.teamId || !def) return;
    const providerWords = await canManage(services, context.teamId, body.user.id);
    const logs = await recentLogs(services, context.teamId, def.id, { providerWords });
    await client.views.open({ trigger_id: body.trigger_id, view: logsModal(def, logs) });
  });
}
