/**
 * The pages a browser sees when a multi-workspace install (`/slack/install` → Slack →
 * `/slack/oauth_redirect`) does not end in an installation. Bolt's default answers 500 "Oops, Something
 * Went Wrong" to a person who pressed Cancel on Slack's consent screen, and to a code Slack refuses.
 */
import type { CallbackOptions, CodedError } from '@slack/oauth';
import type { Logger } from '../../app/logger.js';
import { type Page, pages } from '../../views/pages.js';

/** Slack's answers to oauth.v2.access that mean "this code is no good", not "Slack is broken". */
const SPENT_CODE = new Set(['invalid_code', 'code_already_used', 'code_expired', 'bad_redirect_uri']);

const STATE_OR_CODE = new Set([
  'slack_oauth_missing_state',
  'slack_oauth_invalid_state',
  'slack_oauth_missing_code',
]);

export function installCallbackOptions(logger: Logger): Pick<CallbackOptions, 'failure'> {
  return {
    failure(error, _options, _req, res) {
      const page = failurePage(error);
      if (page.status >= 500) logger.error({ err: error }, 'Slack install failed');
      res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page.html);
    },
  };
}

function failurePage(error: CodedError): Page {
  // In the callback, Bolt's only authorization error is the person pressing Cancel (access_denied).
  if (error.code === 'slack_oauth_installer_authorization_error') return pages.installCancelled();
  const slackSaid = (error as { data?: { error?: string } }).data?.error;
  if (STATE_OR_CODE.has(error.code) || (slackSaid && SPENT_CODE.has(slackSaid)))
    return pages.installLinkProblem();
  // Slack's API failing is Slack's (502); anything else, storing the installation included, is ours.
  return pages.installFailed(error.code.startsWith('slack_webapi_') ? 502 : 500);
}
