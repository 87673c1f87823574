/** `/thread broadcast`: the message and which customer channels get it. Pure. */
import type { ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { modalShell } from './shell.js';

export const BROADCAST_MAX = 3000;
/** Block and action ids the submission is read by. */
export const BROADCAST_FIELDS = {
  message: { block: 'message', action: 'text' },
  target: { block: 'target', action: 'choice' },
  stages: { block: 'stages', action: 'chosen' },
} as const;

export const STAGE_OPTIONS = [
  { value: 'new', label: 'New' },
  { value: 'onboarding', label: 'Onboarding' },
  { value: 'live', label: 'Live' },
  { value: 'closed', label: 'Closed' },
] as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export function broadcastModal(channelCount: number): ModalView {
  return modalShell({
    callbackId: VIEWS.broadcast,
    title: 'Broadcast',
    submit: 'Send',
    close: 'Cancel',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Post one message in customer channels — ${channelCount} linked now. Posts go out about one a second per channel; a DM tells you how it went.`,
        },
      },
      {
        type: 'input',
        block_id: BROADCAST_FIELDS.message.block,
        label: plain('Message'),
        element: {
          type: 'plain_text_input',
          action_id: BROADCAST_FIELDS.message.action,
          multiline: true,
          max_length: BROADCAST_MAX,
        },
      },
      {
        type: 'input',
        block_id: BROADCAST_FIELDS.target.block,
        label: plain('Send to'),
        element: {
          type: 'radio_buttons',
          action_id: BROADCAST_FIELDS.target.action,
          initial_option: { text: plain('Every customer channel'), value: 'all' },
          options: [
            { text: plain('Every customer channel'), value: 'all' },
            { text: plain('Accounts in the stages below'), value: 'stages' },
          ],
        },
      },
      {
        type: 'input',
        block_id: BROADCAST_FIELDS.stages.block,
        optional: true,
        label: plain('Stages'),
        element: {
          type: 'multi_static_select',
          action_id: BROADCAST_FIELDS.stages.action,
          placeholder: plain('Pick stages'),
          options: STAGE_OPTIONS.map((s) => ({ text: plain(s.label), value: s.value })),
        },
      },
    ],
  });
}
