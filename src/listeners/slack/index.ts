import type { App } from '@slack/bolt';
import type { Services } from '../../app/services.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';

export function registerSlackListeners(app: App, services: Services): void {
  registerCommands(app, services);
  registerEvents(app, services);
}
