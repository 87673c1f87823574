/**
 * Correctly signed Slack requests (slash commands, block actions, view submissions, events), built the
 * way Slack builds them, so tests drive the real Bolt receiver over HTTP.
 */
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  secret: string;
  /** Seconds since epoch; default now. */
  timestamp?: number;
  /** Override the signature (forged requests). `null` omits the header. */
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface SlackResponse {
  status: number;
  text: string;
  json?: Record<string, unknown>;
  ms: number;
}

export async function postSigned(url: string, body: string, options: SendOptions): Promise<SlackResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    ...(options.headers ?? {}),
  };
  const signature =
    options.signature === undefined ? slackSignature(options.secret, timestamp, body) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms };
}

export interface CommandFields {
  text: string;
  teamId: string;
  userId: string;
  responseUrl: string;
  channelId?: string;
  command?: string;
  triggerId?: string;
}

export function slashCommandBody(f: CommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: f.teamId,
    team_domain: 'acme',
    channel_id: f.channelId ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: f.userId,
    user_name: f.userId.toLowerCase(),
    command: f.command ?? '/thread',
    text: f.text,
    api_app_id: 'A0THREAD',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId ?? `trigger.${Date.now()}`,
  }).toString();
}

export function interactivityBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockActionPayload(f: {
  teamId: string;
  userId: string;
  actionId: string;
  value: string;
  responseUrl?: string;
  blockId?: string;
  view?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    api_app_id: 'A0THREAD',
    team: { id: f.teamId, domain: 'acme' },
    user: { id: f.userId, team_id: f.teamId, username: f.userId.toLowerCase() },
    trigger_id: `trigger.${Date.now()}`,
    container: { type: 'view', view_id: 'VHOME' },
    view: f.view ?? { id: 'VHOME', type: 'home', team_id: f.teamId },
    ...(f.responseUrl ? { response_url: f.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: f.actionId,
        block_id: f.blockId ?? 'block',
        value: f.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

export function viewSubmissionPayload(f: {
  teamId: string;
  userId: string;
  callbackId: string;
  privateMetadata?: string;
  values?: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    api_app_id: 'A0THREAD',
    team: { id: f.teamId, domain: 'acme' },
    user: { id: f.userId, team_id: f.teamId },
    trigger_id: `trigger.${Date.now()}`,
    view: {
      id: 'VMODAL',
      type: 'modal',
      team_id: f.teamId,
      callback_id: f.callbackId,
      private_metadata: f.privateMetadata ?? '',
      state: { values: f.values ?? {} },
    },
  };
}

export function eventBody(
  teamId: string,
  event: Record<string, unknown>,
  // Unique per call: the receiver handles an event_id once (Slack's retries reuse it).
  eventId = `Ev${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0THREAD',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });
}
