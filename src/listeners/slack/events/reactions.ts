/** Reactions on Thread's posts in customer channels, added and removed (see domain/engagement). */
import type { App } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { recordReaction } from '../../../domain/engagement/record.js';

export function registerReactions(app: App, services: Services): void {
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ event, context }) => {
      // Only reactions to messages: files and file comments are not Thread's posts.
      if (!context.teamId || event.item.type !== 'message') return;
      await recordReaction(services, {
        teamId: context.teamId,
        channel: event.item.channel,
        messageTs: event.item.ts,
        userId: event.user,
        userTeam: (event as { user_team?: string }).user_team,
        reaction: event.reaction,
        added: type === 'reaction_added',
        eventTs: event.event_ts,
      });
    });
  }
}
