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
  'users:read.email': { reason: 'matching CSMs and account executives to CRM owners by email' },
  'channels:read': { reason: 'finding the customer channel by name', planned: 'customer channels' },
  'groups:read': { reason: 'finding private customer channels', planned: 'customer channels' },
  'channels:manage': {
    reason: 'creating the customer channel when onboarding opens',
    planned: 'customer channels',
  },
  'channels:history': {
    reason: 'counting customer replies in customer channels',
    planned: 'engagement tracking',
  },
  'groups:history': {
    reason: 'counting replies in private customer channels',
    planned: 'engagement tracking',
  },
  'reactions:read': { reason: 'tracking reactions to milestone updates', planned: 'engagement tracking' },
} as const satisfies Record<string, Grant>;

export const BOT_SCOPES = Object.keys(BOT_SCOPE_REASONS) as (keyof typeof BOT_SCOPE_REASONS)[];

export const BOT_EVENTS = {
  app_home_opened: { reason: 'publishing the connector dashboard' },
  reaction_added: { reason: 'engagement on milestone updates', planned: 'engagement tracking' },
  'message.channels': { reason: 'customer replies in customer channels', planned: 'engagement tracking' },
  'message.groups': {
    reason: 'customer replies in private customer channels',
    planned: 'engagement tracking',
  },
} as const satisfies Record<string, Grant>;

/** Web API methods Thread calls → the bot scope each needs (methods needing none map to null). */
export const METHOD_SCOPES: Record<string, keyof typeof BOT_SCOPE_REASONS | null> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'users.lookupByEmail': 'users:read.email',
  'views.publish': null,
  'views.open': null,
  'views.update': null,
  'views.push': null,
  'auth.test': null,
};
