/**
 * What Thread asks of Slack, with the reason for each. manifest.json declares exactly these, and
 * test/app/manifest.test.ts checks the manifest, this table and the code against each other.
 *
 * `planned` marks a grant the product needs whose listener lands with a later capability (customer
 * channels, engagement). It is requested now so workspaces do not have to re-approve the app later.
 */
interface Grant {
  reason: string;
  planned?: string;
}

export const BOT_SCOPE_REASONS = {
  commands: { reason: 'the /thread slash command' },
  'chat:write': { reason: 'replies, DMs and customer-channel updates' },
  'im:write': { reason: 'opening a DM with whoever connected an integration when it breaks or recovers' },
  'users:read': { reason: 'checking who is a workspace admin or owner before connect/disconnect' },
  'users:read.email': {
    reason: 'finding the AE in Slack by email: the handoff DM, and inviting them to a customer channel',
  },
  'channels:read': {
    reason: 'checking a customer channel before linking it; hearing it archived or Thread removed',
  },
  'groups:read': { reason: 'the same for private customer channels' },
  'channels:manage': { reason: 'creating a customer channel and inviting the CSM and AE' },
  'channels:join': { reason: 'joining a public channel linked as a customer channel, to post there' },
  'channels:history': { reason: 'counting customer replies to Thread’s posts in customer channels' },
  'groups:history': { reason: 'counting replies in private customer channels' },
  'reactions:read': { reason: 'counting customer reactions to Thread’s posts' },
  'im:history': {
    reason: "finding Thread's own post in a DM after a crash mid-post, so it is never posted twice",
  },
} as const satisfies Record<string, Grant>;

/** An event also names the scope Slack requires to send it (null: none). */
interface EventGrant extends Grant {
  scope: keyof typeof BOT_SCOPE_REASONS | null;
}

export const BOT_SCOPES = Object.keys(BOT_SCOPE_REASONS) as (keyof typeof BOT_SCOPE_REASONS)[];

export const BOT_EVENTS = {
  app_home_opened: { scope: null, reason: 'publishing the connector dashboard' },
  reaction_added: { scope: 'reactions:read', reason: 'customer reactions to Thread’s posts' },
  reaction_removed: { scope: 'reactions:read', reason: 'reactions count net of removals' },
  'message.channels': { scope: 'channels:history', reason: 'customer replies in customer channels' },
  'message.groups': { scope: 'groups:history', reason: 'customer replies in private customer channels' },
  member_joined_channel: {
    scope: 'channels:read',
    reason: 'Thread back in a customer channel clears its Error',
  },
  member_left_channel: {
    scope: 'channels:read',
    reason: 'Thread removed from a customer channel shows on the account',
  },
  channel_left: {
    scope: 'channels:read',
    reason: 'Thread removed from a customer channel shows on the account',
  },
  group_left: { scope: 'groups:read', reason: 'the same for private customer channels' },
  channel_archive: { scope: 'channels:read', reason: 'an archived customer channel shows on the account' },
  group_archive: { scope: 'groups:read', reason: 'the same for private customer channels' },
  channel_unarchive: { scope: 'channels:read', reason: 'an unarchived customer channel clears its Error' },
  group_unarchive: { scope: 'groups:read', reason: 'the same for private customer channels' },
  channel_deleted: { scope: 'channels:read', reason: 'a deleted customer channel shows on the account' },
  group_deleted: { scope: 'groups:read', reason: 'the same for private customer channels' },
} as const satisfies Record<string, EventGrant>;

type BotScope = keyof typeof BOT_SCOPE_REASONS;

/**
 * Web API methods Thread calls → the bot scopes they need (methods needing none map to null; a method
 * whose scope depends on the kind of conversation lists one per kind).
 */
export const METHOD_SCOPES: Record<string, BotScope | readonly BotScope[] | null> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  // Public channels, private channels, DMs.
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.open': 'im:write',
  'conversations.info': 'channels:read',
  'conversations.join': 'channels:join',
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'users.lookupByEmail': 'users:read.email',
  'users.info': 'users:read',
  'views.publish': null,
  'views.open': null,
  'views.update': null,
  'views.push': null,
  'auth.test': null,
};
