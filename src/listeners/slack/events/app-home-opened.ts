import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { dashboardRows } from '../../../domain/connections/dashboard.js';
import { dashboardView } from '../../../views/home/dashboard.js';

/** Opening the Home tab publishes the connector dashboard for that user. */
export function registerAppHomeOpened(app: App, services: Services): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    const teamId = context.teamId;
    if (!teamId) return;
    const rows = await dashboardRows(services.db, teamId);
    await client.views.publish({ user_id: event.user, view: dashboardView(rows) });
  });
}
