import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { registerAppHomeOpened } from './app-home-opened.js';

export function registerEvents(app: App, services: Services): void {
  registerAppHomeOpened(app, services);
}
