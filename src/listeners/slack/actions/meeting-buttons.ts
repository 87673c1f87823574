/**
 * The buttons on the CSM's post-meeting DM. Each carries the meeting id (untrusted): the meeting must be
 * the team's and the clicker its account's CSM or an admin; anyone else is told who can.
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { completeKickoff, meetingFor } from '../../../domain/meetings/actions.js';
import { knownZone, nextWorkingMorning } from '../../../domain/meetings/when.js';
import { ACTIONS } from '../../../views/ids.js';
import { kickoffCompletedMessage, refusalWords } from '../../../views/messages/meetings.js';
import { nextMeetingModal, notesModal } from '../../../views/modals/meetings.js';

/** Acks, then the meeting the button names if the clicker may act on it; otherwise says who can. */
async function allowedMeeting(
  services: Services,
  { ack, body, action, context, respond }: MeetingClick,
): Promise<Extract<Awaited<ReturnType<typeof meetingFor>>, { ok: true }>['found'] | undefined> {
  await ack();
  if (!context.teamId) return undefined;
  const access = await meetingFor(services, context.teamId, action.value ?? '', body.user.id);
  if (access.ok) return access.found;
  await respond({ response_type: 'ephemeral', replace_original: false, text: refusalWords(access) });
  return undefined;
}

type MeetingClick = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerMeetingButtons(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.meetingComplete, async (args) => {
    const { respond } = args;
    const found = await allowedMeeting(services, args);
    if (!found) return;
    const done = await completeKickoff(services, found, args.body.user.id);
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: kickoffCompletedMessage(found.account.name, done),
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.meetingNotes, async (args) => {
    const { body, client } = args;
    const found = await allowedMeeting(services, args);
    if (!found) return;
    const { meeting, account } = found;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: notesModal(meeting.id, meeting.title, account.name),
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.meetingNext, async (args) => {
    const { body, client } = args;
    const found = await allowedMeeting(services, args);
    if (!found) return;
    const { meeting, account } = found;
    const suggested = nextWorkingMorning(knownZone(meeting.time_zone ?? undefined), Date.now());
    await client.views.open({
      trigger_id: body.trigger_id,
      view: nextMeetingModal(meeting.id, account.name, suggested),
    });
  });
}
