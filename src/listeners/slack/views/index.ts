import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { registerDisconnectConfirm } from './disconnect-confirm.js';
import { registerWorkflowSettingsSubmit } from './workflow-settings.js';

export function registerViews(app: App, services: Services): void {
  registerDisconnectConfirm(app, services);
  registerWorkflowSettingsSubmit(app, services);
}
