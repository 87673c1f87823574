/**
 * The post-meeting modals: "Log notes" (a multi-line input) and "Schedule next meeting" (a date-time and
 * a length). The meeting's id travels in private_metadata; the submit handlers re-check it (it is
 * untrusted) and who may act on it. Limits: a title is at most 24 characters, an input 3,000.
 */
import type { ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { escapeText, truncate } from '../mrkdwn.js';
import { modalShell } from './shell.js';

export const NOTES_BLOCK = 'notes';
export const NOTES_INPUT = 'notes_input';
export const NOTES_MAX_LENGTH = 2800;
export const WHEN_BLOCK = 'when';
export const WHEN_INPUT = 'when_input';
export const LENGTH_BLOCK = 'length';
export const LENGTH_INPUT = 'length_input';
export const MEETING_LENGTHS = [30, 45, 60, 90] as const;

export function notesModal(meetingId: string, meetingTitle: string, accountName: string): ModalView {
  return modalShell({
    callbackId: VIEWS.meetingNotes,
    privateMetadata: meetingId,
    title: 'Meeting notes',
    submit: 'Save',
    close: 'Cancel',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Notes from *${truncate(escapeText(meetingTitle || 'the meeting'), 150)}* with *${truncate(escapeText(accountName), 80)}*. They are saved on the account and posted to the handoff thread.`,
        },
      },
      {
        type: 'input',
        block_id: NOTES_BLOCK,
        label: { type: 'plain_text', text: 'Notes' },
        element: {
          type: 'plain_text_input',
          action_id: NOTES_INPUT,
          multiline: true,
          max_length: NOTES_MAX_LENGTH,
        },
      },
    ],
  });
}

export function nextMeetingModal(meetingId: string, accountName: string, suggested: Date): ModalView {
  return modalShell({
    callbackId: VIEWS.meetingNext,
    privateMetadata: meetingId,
    title: 'Next meeting',
    submit: 'Schedule',
    close: 'Cancel',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `The next meeting with *${truncate(escapeText(accountName), 80)}*: Thread creates it on the connected calendar and invites the customer's contacts.`,
        },
      },
      {
        type: 'input',
        block_id: WHEN_BLOCK,
        label: { type: 'plain_text', text: 'When' },
        element: {
          type: 'datetimepicker',
          action_id: WHEN_INPUT,
          initial_date_time: Math.floor(suggested.getTime() / 1000),
        },
      },
      {
        type: 'input',
        block_id: LENGTH_BLOCK,
        label: { type: 'plain_text', text: 'Length' },
        element: {
          type: 'static_select',
          action_id: LENGTH_INPUT,
          initial_option: lengthOption(30),
          options: MEETING_LENGTHS.map(lengthOption),
        },
      },
    ],
  });
}

function lengthOption(minutes: number) {
  return { text: { type: 'plain_text' as const, text: `${minutes} minutes` }, value: String(minutes) };
}
