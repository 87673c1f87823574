/**
 * Notion: new rows in an ops database start onboarding. There are no scopes: on Notion's consent screen
 * the user picks which pages and databases Thread may see, so the test call says how many it sees — zero
 * is the classic first-run problem, and the sentence says how to fix it.
 */
import { type ProviderDefinition, ProviderError } from '../types.js';
import { notionClient } from './client.js';
import { notionCatalog } from './databases.js';
import { notionDeals } from './deals.js';
import { classifyNotionError } from './errors.js';
import { notionWriteBack } from './write-back.js';

/** How many search results the test call asks for: enough to say "a few" vs "many", still one request. */
const SAMPLE = 10;

export const notion: ProviderDefinition = {
  id: 'notion',
  name: 'Notion',
  purpose: 'Start onboarding from a new row in an ops database.',
  capabilities: ['triggers'],
  availability: 'oauth',
  envPrefix: 'NOTION',
  oauth: {
    authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    // Takes JSON + HTTP Basic, not RFC 7009's form body: see revoke() below.
    revokeUrl: 'https://api.notion.com/v1/oauth/revoke',
    apiUrl: 'https://api.notion.com',
    scopes: [],
    scopeSeparator: ' ',
    // No scopes, and none reported: what Thread may see is picked page by page on the consent screen.
    scopeRules: {},
    clientAuth: 'basic',
    tokenBody: 'json',
    // Notion does not support PKCE (public integrations are confidential clients).
    pkce: false,
    // `owner=user`: the integration acts for the workspace member who connects it.
    extraAuthorizeParams: { owner: 'user' },
    keepFromTokenResponse: ['workspace_id', 'workspace_name', 'bot_id'],
  },

  async identify(ctx) {
    const me = await (await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl })).users.me({});
    // An OAuth token always belongs to the integration's bot user; `bot` is `{}` only for internal tokens.
    const bot = me.type === 'bot' && 'workspace_id' in me.bot ? me.bot : undefined;
    if (!bot) {
      throw new ProviderError('invalid_config', 'This Notion token is not a public integration’s token.');
    }
    return {
      accountId: bot.workspace_id,
      label: `${bot.workspace_name ?? 'Notion'} workspace`,
      meta: { workspace_id: bot.workspace_id, workspace_name: bot.workspace_name, bot_id: me.id },
    };
  },

  async testCall(ctx) {
    const found = await (await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl })).search({
      page_size: SAMPLE,
    });
    const n = found.results.length;
    if (n === 0) {
      return 'No pages or databases are shared with Thread yet: in Notion, open the database → ••• → Connections → Thread';
    }
    if (n === 1 && !found.has_more) return '1 shared page or database visible';
    return `${found.has_more ? `${n}+` : n} shared pages or databases visible`;
  },

  async revoke({ tokens, revokeUrl, clientId, clientSecret }) {
    // The SDK sends the body as JSON with Basic client auth and the Notion-Version header Notion requires;
    // it wants the API root, so the configured URL must end in the SDK's own path.
    const apiUrl = revokeUrl.replace(/\/v1\/oauth\/revoke\/?$/, '');
    if (apiUrl === revokeUrl) {
      throw new ProviderError('invalid_config', 'NOTION_REVOKE_URL must end with /v1/oauth/revoke.');
    }
    await (await notionClient({ apiUrl })).oauth.revoke({
      client_id: clientId,
      client_secret: clientSecret,
      token: tokens.accessToken,
    });
  },

  classifyError: classifyNotionError,

  deals: notionDeals,
  writeBack: notionWriteBack,
  catalog: notionCatalog,
};
