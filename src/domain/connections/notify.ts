/** Direct messages about a connection, to whoever connected it. */
import type { Services } from '../../app/services.js';

export async function dm(services: Services, teamId: string, userId: string, text: string): Promise<void> {
  try {
    const client = await services.slackClient(teamId);
    const open = await client.conversations.open({ users: userId });
    const channel = open.channel?.id;
    if (!channel) return;
    await client.chat.postMessage({
      channel,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
  } catch (err) {
    // A DM that fails must not undo what it reports; the dashboard still shows the truth.
    services.logger.warn({ err, team: teamId }, 'could not send a DM');
  }
}
