import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { registerCompleteHandoffAction } from './complete-handoff.js';
import { registerConnectActions } from './connect.js';
import { registerDisconnectAction } from './disconnect.js';
import { registerMeetingButtons } from './meeting-buttons.js';
import { registerMilestoneButtons } from './milestone-buttons.js';
import { registerTemplateEditAction } from './template-edit.js';
import { registerTestAction } from './test.js';
import { registerViewLogsAction } from './view-logs.js';
import { registerWorkflowEditActions } from './workflow-edit.js';
import { registerWorkflowRetryAction } from './workflow-retry.js';

export function registerActions(app: App, services: Services): void {
  registerConnectActions(app, services);
  registerTestAction(app, services);
  registerDisconnectAction(app, services);
  registerViewLogsAction(app, services);
  registerMeetingButtons(app, services);
  registerMilestoneButtons(app, services);
  registerCompleteHandoffAction(app, services);
  registerWorkflowEditActions(app, services);
  registerWorkflowRetryAction(app, services);
  registerTemplateEditAction(app, services);
}
