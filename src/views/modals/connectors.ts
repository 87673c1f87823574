/** Modals for connectors: the connect link, disconnect confirmation, recent logs. Pure. */
import type { KnownBlock, ModalView } from '@slack/types';
import type { ProviderInfo } from '../../providers/types.js';
import { ACTIONS, VIEWS } from '../ids.js';
import { linkWarning } from '../messages/connectors.js';
import { escapeText, truncate, userMention } from '../mrkdwn.js';
import { packed, section } from '../sections.js';
import { modalShell } from './shell.js';

/** The account's name as the provider gave it: shown whole unless it is longer than anyone's would be. */
const ACCOUNT_MAX = 200;

/** Slack cuts a modal title at 24 characters: "Disconnect Google Workspace" reads "Disconnect Google". */
const TITLE_MAX = 24;

function titled(verb: string, p: ProviderInfo): string {
  const whole = `${verb} ${p.name}`;
  return whole.length <= TITLE_MAX ? whole : `${verb} ${p.name.split(' ')[0]}`;
}

export function connectModal(p: ProviderInfo, url: string, reconnect: boolean): ModalView {
  return modalShell({
    title: titled(reconnect ? 'Reconnect' : 'Connect', p),
    close: 'Close',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${p.purpose}\n\nYou will sign in to ${p.name} and approve Thread's access. ${linkWarning(p)}`,
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: `Continue to ${p.name}` },
            url,
            style: 'primary',
            action_id: ACTIONS.openLink,
          },
        ],
      },
    ],
  });
}

export function disconnectModal(p: ProviderInfo, account: string | undefined): ModalView {
  return modalShell({
    callbackId: VIEWS.disconnectConfirm,
    privateMetadata: p.id,
    title: titled('Disconnect', p),
    submit: 'Disconnect',
    close: 'Cancel',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Disconnect *${p.name}*${account ? ` — account *${escapeText(truncate(account, ACCOUNT_MAX))}*` : ''}? Thread revokes its access at ${p.name} where ${p.name} allows it and deletes the stored tokens. Workflows that use ${p.name} stop until someone connects it again.`,
        },
      },
    ],
  });
}

/** One line of a connector's log as the modal shows it (the domain decides who sees provider words). */
export interface LogLineView {
  level: 'info' | 'warn' | 'error';
  at: Date;
  message: string;
  /** Slack user id of whoever did it. */
  by?: string;
  /** The provider's own (scrubbed) words, for managers only. */
  providerWords?: string;
}

/** The connector's recent log lines. */
export function logsModal(p: ProviderInfo, logs: readonly LogLineView[]): ModalView {
  const icon = { info: '•', warn: '⚠️', error: '❌' } as const;
  const lines = logs.map((l) => {
    const said = l.providerWords ? ` — ${p.name} said: _${escapeText(truncate(l.providerWords, 200))}_` : '';
    const who = l.by ? ` — by ${userMention(l.by)}` : '';
    return `${icon[l.level]} \`${l.at.toISOString().slice(0, 19).replace('T', ' ')} UTC\` ${escapeText(truncate(l.message, 280))}${who}${said}`;
  });
  // A line can carry 280 characters of message and 200 of the provider's words: packed by length, not
  // by count, so a page of long errors never makes a section Slack refuses (and the modal never opens).
  const blocks: KnownBlock[] = lines.length
    ? packed(lines, (left) => `…and ${left} older events.`)
    : [section(`Nothing has happened with ${p.name} yet.`)];
  return modalShell({
    callbackId: VIEWS.logs,
    title: `${p.name} logs`,
    close: 'Close',
    blocks: [
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `The last ${logs.length} events, newest first.` }],
      },
      ...blocks,
    ],
  });
}
