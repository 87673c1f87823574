/** Direct messages about a connection, to whoever connected it. */
import type { Services } from '../../app/services.js';
import type { SlackMessage } from '../../views/messages/help.js';

/** Sends `message` (mrkdwn text, or text + blocks) as a DM. Never throws: the dashboard still tells. */
export async function dm(
  services: Services,
  teamId: string,
  userId: string,
  message: string | SlackMessage,
): Promise<void> {
  const { text, blocks } =
    typeof message === 'string'
      ? {
          text: message,
          blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: message } }],
        }
      : message;
  try {
    const client = await services.slackClient(teamId);
    const open = await client.conversations.open({ users: userId });
    const channel = open.channel?.id;
    if (!channel) return;
    await client.chat.postMessage({ channel, text, blocks });
  } catch (err) {
    // A DM that fails must not undo what it reports; the dashboard still shows the truth.
    services.logger.warn({ err, team: teamId }, 'could not send a DM');
  }
}
