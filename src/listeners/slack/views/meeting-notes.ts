/**
 * "Log notes" submit: the notes are saved on the meeting (the account's record) and posted under the
 * account's handoff post. Empty or too long → the modal shows the problem and keeps the text.
 */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { meetingFor, saveNotes } from '../../../domain/meetings/actions.js';
import { VIEWS } from '../../../views/ids.js';
import { notesSavedWords, refusalWords } from '../../../views/messages/meetings.js';
import { NOTES_BLOCK, NOTES_INPUT, NOTES_MAX_LENGTH } from '../../../views/modals/meetings.js';

export function registerMeetingNotes(app: App, services: Services): void {
  app.view(VIEWS.meetingNotes, async ({ ack, body, view, context }) => {
    const teamId = context.teamId;
    if (!teamId) return ack();
    const error = (text: string) => ack({ response_action: 'errors', errors: { [NOTES_BLOCK]: text } });
    const access = await meetingFor(services, teamId, view.private_metadata, body.user.id);
    if (!access.ok) return error(refusalWords(access));
    const typed = view.state.values[NOTES_BLOCK]?.[NOTES_INPUT]?.value ?? '';
    const saved = await saveNotes(services, access.found, typed, body.user.id);
    if (saved.outcome !== 'saved') {
      return error(
        saved.outcome === 'empty'
          ? 'Write the notes first: they are empty.'
          : `Notes are limited to ${NOTES_MAX_LENGTH} characters.`,
      );
    }
    return ack({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Meeting notes' },
        close: { type: 'plain_text', text: 'Done' },
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: notesSavedWords(saved.postedTo, saved.threaded) },
          },
        ],
      },
    });
  });
}
