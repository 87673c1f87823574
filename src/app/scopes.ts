/**
 * The Slack bot scopes Thread asks for, each with the reason. manifest.json declares exactly these
 * (test/app/manifest.test.ts checks both ways).
 */
export const BOT_SCOPE_REASONS = {
  commands: 'the /thread slash command',
  'chat:write': 'posting updates, DMs and customer-channel messages',
  'im:write': 'opening a DM with whoever connected an integration when it breaks or recovers',
  'users:read': 'checking who is a workspace admin or owner before connect/disconnect',
  'users:read.email': 'matching CSMs and account executives to CRM owners by email',
  'channels:read': 'finding the customer channel by name',
  'groups:read': 'finding private customer channels',
  'channels:manage': 'creating the customer channel when onboarding opens',
  'channels:history': 'counting customer replies in the customer channel',
  'groups:history': 'counting customer replies in private customer channels',
  'reactions:read': 'tracking reactions to milestone updates',
} as const;

export const BOT_SCOPES = Object.keys(BOT_SCOPE_REASONS) as (keyof typeof BOT_SCOPE_REASONS)[];

/** Events Thread subscribes to, with the listener that handles each. */
export const BOT_EVENTS = [
  'app_home_opened',
  'reaction_added',
  'message.channels',
  'message.groups',
] as const;
