import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { publishHome } from '../../../domain/connections/home.js';

export function registerAppHomeOpened(app: App, services: Services): void {
  app.event('app_home_opened', async ({ event, context }) => {
    if (event.tab !== 'home' || !context.teamId) return;
    await publishHome(services, context.teamId, event.user);
  });
}
