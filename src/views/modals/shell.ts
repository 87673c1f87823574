/**
 * The frame every modal shares — its callback id, what it carries, a title and buttons within Slack's
 * limits, its blocks — so each modal is only what it says. Pure.
 */
import type { ModalView } from '@slack/types';
import { truncate } from '../mrkdwn.js';

/** Slack's limit on a modal's title and on its submit and close buttons. */
const LABEL_MAX = 24;

const label = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, LABEL_MAX) });

export function modalShell(m: {
  /** How the submission is routed; absent for a modal that is only read. */
  callbackId?: string;
  /** Travels to the submit and click handlers, which re-check it: it comes back untrusted. */
  privateMetadata?: string;
  title: string;
  /** Absent: no submit button. */
  submit?: string;
  close: string;
  blocks: ModalView['blocks'];
}): ModalView {
  return {
    type: 'modal',
    ...(m.callbackId === undefined ? {} : { callback_id: m.callbackId }),
    ...(m.privateMetadata === undefined ? {} : { private_metadata: m.privateMetadata }),
    title: label(m.title),
    ...(m.submit === undefined ? {} : { submit: label(m.submit) }),
    close: label(m.close),
    blocks: m.blocks,
  };
}
