/**
 * Thread replies under Thread's posts in customer channels. Only a person's reply counts: a message with
 * a `thread_ts` other than its own `ts`, and no subtype (edits, joins, bots and deletions have one) —
 * except `thread_broadcast`, a reply also sent to the channel, which is still a reply.
 */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { recordReply } from '../../../domain/engagement/record.js';

interface MessageFields {
  subtype?: string;
  channel?: string;
  user?: string;
  user_team?: string;
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
}

export function registerMessages(app: App, services: Services): void {
  app.event('message', async ({ event, context }) => {
    const m = event as MessageFields;
    if (m.subtype && m.subtype !== 'thread_broadcast') return;
    if (!context.teamId || m.bot_id || !m.user || !m.channel || !m.ts) return;
    if (!m.thread_ts || m.thread_ts === m.ts) return;
    await recordReply(services, {
      teamId: context.teamId,
      channel: m.channel,
      threadTs: m.thread_ts,
      ts: m.ts,
      userId: m.user,
      userTeam: m.user_team,
    });
  });
}
