/**
 * What happens to customer channels themselves: Thread removed or re-added, a channel archived,
 * unarchived or deleted. Each marks (or clears) the account's channel Error, so a channel Thread can no
 * longer post in shows on the account instead of posts failing unseen. Channels that are no account's
 * customer channel change nothing (the update matches no row).
 */
import type { App } from '@slack/bolt';
import type { ChannelProblem } from '../../../app/db-types.js';
import type { Services } from '../../../app/services.js';
import { clearChannelProblem, markChannelProblem } from '../../../domain/channels/problems.js';
import { isTrackedChannel } from '../../../domain/channels/tracked.js';

type Change = { mark: ChannelProblem } | { clear: ChannelProblem };

/** Events about the channel as a whole; the `member_*` ones matter only when the member is Thread. */
const CHANNEL_EVENTS: Record<string, Change> = {
  channel_left: { mark: 'not_in_channel' },
  group_left: { mark: 'not_in_channel' },
  channel_archive: { mark: 'archived' },
  group_archive: { mark: 'archived' },
  channel_unarchive: { clear: 'archived' },
  group_unarchive: { clear: 'archived' },
  channel_deleted: { mark: 'not_found' },
  group_deleted: { mark: 'not_found' },
};

export function registerChannelMembership(app: App, services: Services): void {
  const apply = async (teamId: string, channel: string, change: Change) => {
    // Most channels are not customer channels: answered from memory, no database work.
    if (!(await isTrackedChannel(services, teamId, channel))) return;
    if ('mark' in change) await markChannelProblem(services.db, teamId, channel, change.mark);
    else await clearChannelProblem(services.db, teamId, channel, change.clear);
  };
  for (const [type, change] of Object.entries(CHANNEL_EVENTS)) {
    app.event(type, async ({ event, context }) => {
      const channel = (event as { channel?: unknown }).channel;
      if (context.teamId && typeof channel === 'string') await apply(context.teamId, channel, change);
    });
  }
  app.event('member_left_channel', async ({ event, context }) => {
    if (context.teamId && context.botUserId && event.user === context.botUserId) {
      await apply(context.teamId, event.channel, { mark: 'not_in_channel' });
    }
  });
  app.event('member_joined_channel', async ({ event, context }) => {
    if (context.teamId && context.botUserId && event.user === context.botUserId) {
      await apply(context.teamId, event.channel, { clear: 'not_in_channel' });
    }
  });
}
