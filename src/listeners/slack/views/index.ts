import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { VIEWS } from '../../../views/ids.js';
import { registerBroadcastSubmit } from './broadcast.js';
import { registerCompleteHandoffSubmit } from './complete-handoff.js';
import { registerDisconnectConfirm } from './disconnect-confirm.js';
import { registerMeetingNext } from './meeting-next.js';
import { registerMeetingNotes } from './meeting-notes.js';
import { registerTemplateSubmit } from './template.js';
import { registerWorkflowSettingsSubmit } from './workflow-settings.js';

export function registerViews(app: App, services: Services): void {
  registerDisconnectConfirm(app, services);
  registerMeetingNotes(app, services);
  registerMeetingNext(app, services);
  registerBroadcastSubmit(app, services);
  registerCompleteHandoffSubmit(app, services);
  registerWorkflowSettingsSubmit(app, services);
  registerTemplateSubmit(app, services);
  // The account view has no Save: a submission can only be forged. Acked, so it is never left hanging.
  app.view(VIEWS.account, async ({ ack }) => {
    await ack();
  });
}
