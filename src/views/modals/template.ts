/**
 * The onboarding template editor: the team's template as text in one box (domain/accounts/template-text.ts
 * explains the format), with the format shown above it. Saving writes a new version: accounts already
 * onboarding keep theirs. The template id travels in private_metadata and is re-checked on submit.
 */
import type { ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { escapeText, truncate } from '../mrkdwn.js';
import { modalShell } from './shell.js';

export const TEMPLATE_BLOCK = 'template';
export const TEMPLATE_INPUT = 'template_input';
/** Slack's cap on a plain_text_input. */
export const TEMPLATE_MAX_LENGTH = 3000;

export function templateModal(
  template: { id: string; name: string; version: number; text: string },
  inFlight: number,
): ModalView {
  return modalShell({
    callbackId: VIEWS.template,
    privateMetadata: template.id,
    title: 'Onboarding template',
    submit: 'Save',
    close: 'Cancel',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${truncate(escapeText(template.name), 150)}*, version ${template.version}. New accounts get the plan as you save it here; the ${inFlight} account${inFlight === 1 ? '' : 's'} already onboarding keep${inFlight === 1 ? 's' : ''} the plan they started with.`,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [
              'One milestone per line: `name | days | description`, and `| go-live` after the one that makes the customer live.',
              'Actions go under their milestone, done that many hours after it starts (0–720):',
              '`+ message after 0 h: text` posts in the customer channel;',
              '`+ email to customer after 24 h: subject | body` (or `to ae`) sends an email.',
              '`{account}`, `{milestone}` and `{csm}` are filled in.',
            ].join('\n'),
          },
        ],
      },
      {
        type: 'input',
        block_id: TEMPLATE_BLOCK,
        label: { type: 'plain_text', text: 'Milestones' },
        element: {
          type: 'plain_text_input',
          action_id: TEMPLATE_INPUT,
          multiline: true,
          max_length: TEMPLATE_MAX_LENGTH,
          initial_value: template.text.slice(0, TEMPLATE_MAX_LENGTH),
        },
      },
    ],
  });
}
