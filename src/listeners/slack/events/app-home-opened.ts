import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { dashboardRows, withoutProviderWords } from '../../../domain/connections/dashboard.js';
import { canManage } from '../../../domain/connections/permissions.js';
import { dashboardView } from '../../../views/home/dashboard.js';

/** Publishes the connector dashboard to one user's Home tab (also after connect, test, disconnect). */
export async function publishHome(
  services: Services,
  teamId: string,
  userId: string,
  note?: string,
): Promise<void> {
  const rows = await dashboardRows(services.db, teamId);
  const shown = (await canManage(services, teamId, userId)) ? rows : withoutProviderWords(rows);
  const client = await services.slackClient(teamId);
  await client.views.publish({ user_id: userId, view: dashboardView(shown, { note }) });
}

export function registerAppHomeOpened(app: App, services: Services): void {
  app.event('app_home_opened', async ({ event, context }) => {
    if (event.tab !== 'home' || !context.teamId) return;
    await publishHome(services, context.teamId, event.user);
  });
}
