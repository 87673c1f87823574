/** People named in command text: Slack mentions, and whether one is a real person in the workspace. */
import type { WebClient } from '@slack/web-api';

/** Slack escapes a mention in command text as <@U123|name> (should_escape in the manifest). */
const MENTION = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/;

export function mentionedUser(word: string | undefined): string | undefined {
  return word?.match(MENTION)?.[1];
}

/**
 * Whether `userId` is a person who can do work here: not a bot, not deactivated. A mention can name a
 * user the workspace no longer has (an old message copied, a typed <@U…>), so this asks Slack.
 */
export async function isActivePerson(client: WebClient, userId: string): Promise<boolean> {
  try {
    const { user } = await client.users.info({ user: userId });
    return Boolean(user && !user.deleted && !user.is_bot);
  } catch {
    // user_not_found and its kin: whatever Slack's reason, we cannot assign work to them.
    return false;
  }
}
