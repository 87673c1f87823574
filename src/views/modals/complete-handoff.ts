/**
 * The AE's "Complete handoff" modal: goals, stakeholders, risks and notes, prefilled from the CRM and
 * the recorded calls. Pure. Every input is plain text (Slack shows it as typed); the limits are the
 * modal's own (`max_length`), checked again on submit because a submission is only as honest as its
 * sender.
 */
import type { ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { truncate } from '../mrkdwn.js';
import { modalShell } from './shell.js';

/** Slack allows up to 3,000 characters in a plain_text_input; the completed handoff fits in one DM. */
export const HANDOFF_FIELD_MAX = 2000;

export interface CompleteHandoffForm {
  goals: string;
  stakeholders: string;
  risks: string;
  notes: string;
}

export const HANDOFF_FIELDS = [
  {
    key: 'goals',
    label: 'Customer goals',
    hint: 'What the customer bought Thread to achieve.',
    required: true,
  },
  { key: 'stakeholders', label: 'Stakeholders', hint: 'Who is who on the customer side.', required: false },
  { key: 'risks', label: 'Risks', hint: 'Anything that could slow onboarding down.', required: false },
  { key: 'notes', label: 'Notes', hint: 'Promises made, context from the calls.', required: false },
] as const satisfies readonly {
  key: keyof CompleteHandoffForm;
  label: string;
  hint: string;
  required: boolean;
}[];

/** The block and action id of a field: one name, so the submission is read the way the modal was built. */
export const fieldBlockId = (key: keyof CompleteHandoffForm) => `handoff_${key}`;

export function completeHandoffModal(input: {
  runId: string;
  dealName: string;
  prefill: CompleteHandoffForm;
}): ModalView {
  return modalShell({
    callbackId: VIEWS.completeHandoff,
    privateMetadata: input.runId,
    title: 'Complete handoff',
    submit: 'Send to CSM',
    close: 'Cancel',
    blocks: [
      {
        type: 'header',
        // Plain text: a deal name shows as typed and pings no one.
        text: {
          type: 'plain_text',
          text: truncate(input.dealName.trim() || 'New customer', 150),
          emoji: false,
        },
      },
      ...HANDOFF_FIELDS.map((f) => {
        const initial = input.prefill[f.key].slice(0, HANDOFF_FIELD_MAX);
        return {
          type: 'input' as const,
          block_id: fieldBlockId(f.key),
          optional: !f.required,
          label: { type: 'plain_text' as const, text: f.label },
          hint: { type: 'plain_text' as const, text: f.hint },
          element: {
            type: 'plain_text_input' as const,
            action_id: fieldBlockId(f.key),
            multiline: true,
            max_length: HANDOFF_FIELD_MAX,
            ...(initial ? { initial_value: initial } : {}),
          },
        };
      }),
    ],
  });
}
