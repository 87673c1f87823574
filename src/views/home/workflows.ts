/**
 * The App Home "Workflows" section, below the connectors (a source must be connected before it can start
 * anything): what starts a handoff in each source, in labels people know ("HubSpot · Sales Pipeline ·
 * Closed Won"), the settings every handoff shares, and the latest runs with a Retry on failed ones.
 * Pure: data in, Block Kit out. Names from CRMs and provider words are escaped and cut to fit.
 */
import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';
import { lastRunLine } from '../messages/accounts.js';
import { escapeText, truncate } from '../mrkdwn.js';

export type SourceState = 'connected' | 'error' | 'not connected';

export interface WorkflowSourceLine {
  provider: { id: string; name: string };
  state: SourceState;
  /** What starts a handoff, in labels ("Sales Pipeline · Closed Won"); null = not set up yet. */
  startsWhen: string | null;
  /** Where the stage and CSM are written back, in words. */
  writesBack: string;
}

export interface RunLine {
  id: string;
  accountName: string | null;
  /** "HubSpot deal 123" when the run never got to an account. */
  recordName: string;
  status: 'running' | 'completed' | 'failed';
  at: Date;
  failedStep?: string;
  reason?: string;
}

export interface WorkflowsSection {
  enabled: boolean;
  templateName: string;
  handoffChannelId: string | null;
  aeEmail: boolean;
  pollIntervalSeconds: number;
  sources: WorkflowSourceLine[];
  runs: RunLine[];
  /** Edit and Retry are for people who may change settings; others see the same facts without them. */
  canManage: boolean;
}

/** The value of the general settings' Edit button (the sources' carry their provider id). */
export const GENERAL_SETTINGS = 'general';

function button(text: string, actionId: string, value: string, style?: 'primary') {
  return {
    type: 'button' as const,
    text: { type: 'plain_text' as const, text },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

function section(text: string, accessory?: ReturnType<typeof button>): KnownBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text, 3000) },
    ...(accessory ? { accessory } : {}),
  };
}

export function workflowsBlocks(w: WorkflowsSection): KnownBlock[] {
  const general = [
    `*Handoffs:* ${w.enabled ? 'on' : 'off'}`,
    `*Template:* ${truncate(escapeText(w.templateName), 120)}`,
    `*Handoff channel:* ${w.handoffChannelId ? `<#${w.handoffChannelId}>` : 'none — only the CSM gets a DM'}`,
    `*AE email:* ${w.aeEmail ? 'on' : 'off'}`,
    `*Sources polled every* ${w.pollIntervalSeconds} s`,
  ].join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Workflows — sales-to-CS handoff' } },
    section(general, w.canManage ? button('Edit', ACTIONS.workflowEdit, GENERAL_SETTINGS) : undefined),
    section(
      `*Onboarding template:* ${truncate(escapeText(w.templateName), 120)} — the milestones every new account gets, and their timed messages and emails.`,
      w.canManage ? button('Edit template', ACTIONS.templateEdit, 'template') : undefined,
    ),
  ];
  for (const s of w.sources) blocks.push(sourceBlock(s, w.canManage));
  blocks.push(section('*Recent handoffs*'));
  if (!w.runs.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'None yet: a deal reaching the stage above starts one.' }],
    });
  }
  for (const r of w.runs) {
    const who = r.accountName ? truncate(escapeText(r.accountName), 120) : escapeText(r.recordName);
    blocks.push(
      section(
        `*${who}* — ${lastRunLine(r)}`,
        r.status === 'failed' && w.canManage
          ? button('Retry', ACTIONS.workflowRetry, r.id, 'primary')
          : undefined,
      ),
    );
  }
  return blocks;
}

function sourceBlock(s: WorkflowSourceLine, canManage: boolean): KnownBlock {
  const name = `*${s.provider.name}*`;
  if (s.state === 'not connected') {
    return section(
      `${name} — not connected: connect it to start handoffs from it.`,
      canManage ? button('Connect', ACTIONS.connect, s.provider.id, 'primary') : undefined,
    );
  }
  const starts = s.startsWhen
    ? `${name} · ${truncate(escapeText(s.startsWhen), 300)}`
    : `${name} · not set up yet`;
  const lines = [starts, `Writes back: ${s.writesBack}`];
  if (s.state === 'error') {
    lines.push(`⚠️ ${s.provider.name} is in Error: its handoffs wait until it is fixed (see its row above).`);
  }
  return section(
    lines.join('\n'),
    canManage ? button('Edit', ACTIONS.workflowEdit, s.provider.id) : undefined,
  );
}
