/**
 * The App Home connector dashboard: one row per integration with its status, what it is for, what it
 * can do, and the one-click fixes. Pure: data in, Block Kit out.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import { CAPABILITY_LABELS, type ProviderInfo } from '../../providers/types.js';
import { ACTIONS } from '../ids.js';
import { escapeText, slackDate, truncate, userMention } from '../mrkdwn.js';

export type RowState = 'connected' | 'available' | 'error' | 'coming_soon';

export type RowAction = 'connect' | 'reconnect' | 'test' | 'disconnect' | 'view_logs';

export interface DashboardRow {
  provider: ProviderInfo;
  state: RowState;
  /** e.g. "Acme (portal 1234)": untrusted, from the provider. */
  accountLabel?: string;
  connectedBy?: string;
  connectedAt?: Date;
  lastSuccessAt?: Date;
  lastErrorAt?: Date;
  /** For state error: what went wrong and how to fix it, in plain words. */
  problem?: { title: string; fix: string; detail?: string };
  actions: RowAction[];
}

export const STATE_LABEL: Record<RowState, string> = {
  connected: '✅ Connected',
  available: '⚪ Available',
  error: '⚠️ Error',
  coming_soon: '🕒 Coming soon',
};

const ACTION_BUTTON: Record<RowAction, { text: string; actionId: string; style?: 'primary' | 'danger' }> = {
  connect: { text: 'Connect', actionId: ACTIONS.connect, style: 'primary' },
  reconnect: { text: 'Reconnect', actionId: ACTIONS.reconnect, style: 'primary' },
  test: { text: 'Test', actionId: ACTIONS.test },
  disconnect: { text: 'Disconnect', actionId: ACTIONS.disconnect, style: 'danger' },
  view_logs: { text: 'View logs', actionId: ACTIONS.viewLogs },
};

export function dashboardView(rows: readonly DashboardRow[], options: { note?: string } = {}): HomeView {
  // Tools the team connected: Slack, the workspace Thread lives in, is always there and does not count.
  // A tool in Error is still connected, and needs attention.
  const tools = rows.filter((r) => r.provider.availability === 'oauth');
  const connected = tools.filter((r) => r.state === 'connected' || r.state === 'error').length;
  const broken = tools.filter((r) => r.state === 'error').length;
  const summary = [
    connected === 0
      ? 'No tools connected yet'
      : `${connected} ${connected === 1 ? 'tool' : 'tools'} connected`,
    broken ? `${broken} ${broken === 1 ? 'needs' : 'need'} attention` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Thread — Connectors' } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${summary}. Connect the tools your team uses so Thread can run onboarding for you. Type \`/thread help\` for commands.`,
        },
      ],
    },
  ];
  if (options.note) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: options.note } });
  }
  for (const row of rows) {
    blocks.push({ type: 'divider' }, ...rowBlocks(row));
  }
  return { type: 'home', blocks };
}

function rowBlocks(row: DashboardRow): KnownBlock[] {
  const p = row.provider;
  const badge = p.badge ? ` _(${p.badge})_` : '';
  const lines = [`*${p.name}*${badge}   ${STATE_LABEL[row.state]}`, p.purpose];
  if (row.state === 'connected' || row.state === 'error') {
    const who = [
      row.accountLabel ? `Account: *${escapeText(truncate(row.accountLabel, 120))}*` : undefined,
      row.connectedBy ? `connected by ${userMention(row.connectedBy)}` : undefined,
      row.connectedAt ? slackDate(row.connectedAt) : undefined,
    ].filter(Boolean);
    if (who.length) lines.push(who.join(' · '));
  }
  if (row.state === 'error' && row.problem) {
    lines.push(`*${escapeText(row.problem.title)}* — ${escapeText(row.problem.fix)}`);
    // The stored detail: the provider's words, or Thread's own (missing permissions). Managers only.
    if (row.problem.detail) lines.push(`_${escapeText(truncate(row.problem.detail, 300))}_`);
  }
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: p.capabilities.map((c) => CAPABILITY_LABELS[c]).join(' · ') }],
    },
  ];
  if (row.actions.length) {
    blocks.push({
      type: 'actions',
      block_id: `connector:${p.id}`,
      elements: row.actions.map((a) => {
        const b = ACTION_BUTTON[a];
        return {
          type: 'button' as const,
          text: { type: 'plain_text' as const, text: b.text },
          action_id: b.actionId,
          value: p.id,
          ...(b.style ? { style: b.style } : {}),
        };
      }),
    });
  }
  return blocks;
}
