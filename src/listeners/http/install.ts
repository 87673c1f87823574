/**
 * The pages a browser sees when a multi-workspace install (`/slack/install` → Slack →
 * `/slack/oauth_redirect`) does not end in an installation. Bolt's default answers 500 "Oops, Something
 * Went Wrong" to a person who pressed Cancel on Slack's consent screen, and to a code Slack refuses.
 */
import type { CallbackOptions } from '@slack/oauth';
import type { Logger } from '../../app/logger.js';
import { pages } from '../../views/pages.js';

/** Slack's answers to oauth.v2.access that mean "this code is no good", not "Slack is broken". */
const SPENT_CODE = new Set(['invalid_code', 'code_already_used', 'code_expired', 'bad_redirect_uri']);

export function installCallbackOptions(logger: Logger): Pick<CallbackOptions, 'failure'> {
  return {
    failure(error, _options, _req, res) {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      const page =
        error.code === 'slack_oauth_installer_authorization_error'
          ? pages.installCancelled() // the only authorization error of the callback: access_denied
          : ['slack_oauth_missing_state', 'slack_oauth_invalid_state', 'slack_oauth_missing_code'].includes(
                error.code,
              ) ||
              (slackError && SPENT_CODE.has(slackError))
            ? pages.installLinkProblem()
            : pages.installFailed(error.code.startsWith('slack_webapi_') ? 502 : 500);
      if (page.status >= 500) logger.error({ err: error }, 'Slack install failed');
      res.writeHead(page.status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(page.html);
    },
  };
}
