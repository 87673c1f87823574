import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerChannelMembership } from './channel-membership.js';
import { registerMessages } from './messages.js';
import { registerReactions } from './reactions.js';

export function registerEvents(app: App, services: Services): void {
  registerAppHomeOpened(app, services);
  registerReactions(app, services);
  registerMessages(app, services);
  registerChannelMembership(app, services);
}
