/**
 * The buttons on the CSM's post-meeting DM. Each carries the meeting id (untrusted): the meeting must be
 * the team's and the clicker its account's CSM or an admin; anyone else is told who can.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { completeKickoff, meetingFor } from '../../../domain/meetings/actions.js';
import { knownZone, nextWorkingMorning } from '../../../domain/meetings/when.js';
import { ACTIONS } from '../../../views/ids.js';
import { kickoffCompletedMessage, refusalWords } from '../../../views/messages/meetings.js';
import { nextMeetingModal, notesModal } from '../../../views/modals/meetings.js';

export function registerMeetingButtons(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(
    ACTIONS.meetingComplete,
    async ({ ack, body, action, context, respond }) => {
      await ack();
      if (!context.teamId) return;
      const access = await meetingFor(services, context.teamId, action.value ?? '', body.user.id);
      if (!access.ok) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusalWords(access) });
        return;
      }
      const done = await completeKickoff(services, access.found);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: kickoffCompletedMessage(access.found.account.name, done),
      });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    ACTIONS.meetingNotes,
    async ({ ack, body, action, context, client, respond }) => {
      await ack();
      if (!context.teamId) return;
      const access = await meetingFor(services, context.teamId, action.value ?? '', body.user.id);
      if (!access.ok) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusalWords(access) });
        return;
      }
      const { meeting, account } = access.found;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: notesModal(meeting.id, meeting.title, account.name),
      });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    ACTIONS.meetingNext,
    async ({ ack, body, action, context, client, respond }) => {
      await ack();
      if (!context.teamId) return;
      const access = await meetingFor(services, context.teamId, action.value ?? '', body.user.id);
      if (!access.ok) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusalWords(access) });
        return;
      }
      const { meeting, account } = access.found;
      const suggested = nextWorkingMorning(knownZone(meeting.time_zone ?? undefined), Date.now());
      await client.views.open({
        trigger_id: body.trigger_id,
        view: nextMeetingModal(meeting.id, account.name, suggested),
      });
    },
  );
}
