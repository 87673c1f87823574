/**
 * Is Thread installed in the workspace a Slack request comes from?
 *
 * A correctly signed request proves it comes from Slack, not that it comes from a workspace Thread works
 * for: one Slack app can be installed in several workspaces, all signing with the same secret. Without
 * this check, a single-workspace Thread answered another workspace's `/thread connect` with a link and
 * stored rows under that team, while acting with its own workspace's bot token.
 *
 * - Single workspace (SLACK_BOT_TOKEN): the workspace is the bot token's, as `auth.test` reports it.
 * - Many workspaces: a row in `installations` (what the install flow stored).
 *
 * Over HTTP the check runs in the receiver's guard (slack-guard.ts), before Bolt; over Socket Mode, in
 * `tenantMiddleware`, Bolt's first middleware.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { installKey } from './installation-store.js';
import type { Services } from './services.js';

export const NOT_INSTALLED = 'Thread is not installed in this workspace.';

export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

export type InstalledCheck = (workspace: Workspace) => Promise<boolean>;

export function installedCheck(services: Services): InstalledCheck {
  const mode = services.config.slack.mode;
  if (mode.kind === 'single') {
    const identity = services.botIdentity;
    if (!identity) throw new Error('single-workspace mode without a bot identity');
    return async (w) => {
      // The start-up auth.test's answer (asked again only while Slack was unreachable at start).
      const own = await identity();
      return w.isEnterpriseInstall
        ? Boolean(w.enterpriseId) && w.enterpriseId === own.enterpriseId
        : Boolean(w.teamId) && w.teamId === own.teamId;
    };
  }
  return async (w) => {
    if (!w.teamId && !w.enterpriseId) return false;
    const row = await services.db
      .selectFrom('installations')
      .select('id')
      .where('install_key', '=', installKey(w))
      .executeTakeFirst();
    return Boolean(row);
  };
}

/** Socket Mode's check, as Bolt middleware: a slash command gets the plain answer, anything else is acked. */
export function tenantMiddleware(services: Services): Middleware<AnyMiddlewareArgs> {
  const installed = installedCheck(services);
  return async (args) => {
    const { context, next } = args;
    const workspace = {
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall,
    };
    if (await installed(workspace)) return next();
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    const isCommand = 'command' in args;
    await ack?.(isCommand ? { text: NOT_INSTALLED } : undefined);
  };
}
