/** A person's DM with Thread, as a channel a delivery can post to. */
import type { Services } from '../../app/services.js';

/** Opening a DM is idempotent in Slack (the same channel each time); the post itself is keyed. */
export async function openDm(services: Services, teamId: string, userId: string): Promise<string | null> {
  const client = await services.slackClient(teamId);
  return (await client.conversations.open({ users: userId })).channel?.id ?? null;
}
