/**
 * Safe start: Thread asks Slack who its bot token belongs to (`auth.test`) before it says it is running.
 *
 * - A token Slack rejects (`invalid_auth`, `token_revoked`, `account_inactive`, …) is a configuration
 *   problem no retry fixes: one plain line naming the variable and where to get a new token, exit 1.
 * - Slack unreachable (network, proxy, DNS, Slack's own outage) is temporary: Thread keeps serving, says
 *   so once with the URL and what to check, and keeps asking with backoff until Slack answers.
 * - Multi-workspace: each stored installation's token is checked; a workspace that revoked Thread is
 *   named in the log (its admins reinstall), and the others carry on.
 *
 * The identity is what Bolt's authorize needs (bot user id, team), so Bolt itself never calls auth.test
 * behind our back — that call's unhandled rejection is what used to crash a misconfigured start.
 */
import {
  ErrorCode,
  type Logger as Logger_,
  LogLevel,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import type { Logger } from './logger.js';

/** Slack's answers that mean "this token will never work": https://api.slack.com/methods/auth.test */
const REJECTED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
  'missing_scope',
  'team_access_not_granted',
]);

export class SlackTokenRejectedError extends Error {
  override name = 'SlackTokenRejectedError';
}

export interface BotIdentity {
  teamId: string;
  enterpriseId?: string;
  botUserId: string;
  botId?: string;
}

export type AuthOutcome =
  | { kind: 'ok'; identity: BotIdentity }
  | { kind: 'rejected'; error: string }
  | { kind: 'unreachable'; reason: string };

export async function authTest(token: string, options: WebClientOptions): Promise<AuthOutcome> {
  // No retries here: the caller decides (a rejected token must fail fast; an outage retries in the background).
  // Its own logger stays quiet: the outcome below is what gets said, once.
  const client = new WebClient(token, {
    ...options,
    logger: QUIET,
    retryConfig: { retries: 0 },
    timeout: 10_000,
  });
  try {
    const r = await client.auth.test();
    return {
      kind: 'ok',
      identity: {
        teamId: String(r.team_id),
        enterpriseId: r.enterprise_id,
        botUserId: String(r.user_id),
        botId: r.bot_id,
      },
    };
  } catch (err) {
    const e = err as {
      code?: string;
      data?: { error?: string };
      original?: { code?: string; message?: string };
    };
    if (e.code === ErrorCode.PlatformError) {
      const error = e.data?.error ?? 'unknown_error';
      if (REJECTED.has(error)) return { kind: 'rejected', error };
      return { kind: 'unreachable', reason: `Slack answered ${error}` };
    }
    // fetch wraps the socket error: "fetch failed" says nothing, its cause's code (ECONNREFUSED…) does.
    const original = e.original as
      | { code?: string; message?: string; cause?: { code?: string; message?: string } }
      | undefined;
    return {
      kind: 'unreachable',
      reason:
        original?.cause?.code ??
        original?.cause?.message ??
        original?.code ??
        original?.message ??
        (err as Error).message,
    };
  }
}

const QUIET: Logger_ = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

const WHERE_BOT_TOKEN =
  'Slack app settings → OAuth & Permissions → Bot User OAuth Token (reinstall the app to the workspace if it is missing)';

/**
 * The single-workspace bot identity: checked once at start (a rejected token throws), and re-checked in
 * the background with backoff while Slack is unreachable. `get()` returns the identity as soon as known.
 */
export class SingleWorkspaceIdentity {
  private identity: BotIdentity | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly options: WebClientOptions & { slackApiUrl: string },
    private readonly logger: Logger,
  ) {}

  /** At start: resolves when the token is good or Slack is unreachable; throws when Slack rejects it. */
  async check(): Promise<void> {
    const outcome = await authTest(this.token, this.options);
    if (outcome.kind === 'ok') {
      this.identity = outcome.identity;
      return;
    }
    if (outcome.kind === 'rejected') {
      throw new SlackTokenRejectedError(
        `Slack rejected SLACK_BOT_TOKEN (${outcome.error}). Get the current token from ${WHERE_BOT_TOKEN} and set SLACK_BOT_TOKEN.`,
      );
    }
    this.logger.warn(
      { url: this.options.slackApiUrl, reason: outcome.reason },
      `Slack is unreachable at ${this.options.slackApiUrl} (${outcome.reason}). Thread keeps serving and retries; check this server's network, proxy and DNS, and SLACK_API_URL.`,
    );
    this.scheduleRetry(1000);
  }

  private scheduleRetry(delayMs: number): void {
    if (this.stopped) return;
    this.retry = setTimeout(async () => {
      const outcome = await authTest(this.token, this.options);
      if (outcome.kind === 'ok') {
        this.identity = outcome.identity;
        this.logger.info({ team: outcome.identity.teamId }, 'Slack is reachable again');
      } else if (outcome.kind === 'rejected') {
        this.logger.error(
          { error: outcome.error },
          `Slack rejected SLACK_BOT_TOKEN (${outcome.error}); Thread cannot answer Slack until it is replaced (${WHERE_BOT_TOKEN})`,
        );
      } else {
        this.scheduleRetry(Math.min(delayMs * 2, 60_000));
      }
    }, delayMs);
    this.retry.unref();
  }

  /** The identity, asking Slack now if the start-up check could not. */
  async get(): Promise<BotIdentity> {
    if (this.identity) return this.identity;
    const outcome = await authTest(this.token, this.options);
    if (outcome.kind !== 'ok') {
      throw new Error(
        outcome.kind === 'rejected'
          ? `Slack rejected SLACK_BOT_TOKEN (${outcome.error})`
          : `Slack is unreachable (${outcome.reason})`,
      );
    }
    this.identity = outcome.identity;
    return this.identity;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }
}

/** Multi-workspace: name each workspace whose stored token Slack no longer accepts. */
export async function checkInstallations(
  tokens: { teamId: string; teamName?: string | null; token: string }[],
  options: WebClientOptions & { slackApiUrl: string },
  logger: Logger,
): Promise<{ ok: number; rejected: string[]; unreachable: boolean }> {
  let ok = 0;
  const rejected: string[] = [];
  for (const t of tokens) {
    const outcome = await authTest(t.token, options);
    if (outcome.kind === 'ok') ok++;
    else if (outcome.kind === 'rejected') {
      rejected.push(t.teamId);
      logger.warn(
        { team: t.teamId, teamName: t.teamName, error: outcome.error },
        `Slack no longer accepts Thread's token for workspace ${t.teamName ?? t.teamId} (${outcome.error}); an admin of that workspace reinstalls Thread from /slack/install`,
      );
    } else {
      logger.warn(
        { url: options.slackApiUrl, reason: outcome.reason },
        `Slack is unreachable at ${options.slackApiUrl} (${outcome.reason}); Thread keeps serving. Check this server's network, proxy and DNS, and SLACK_API_URL.`,
      );
      return { ok, rejected, unreachable: true };
    }
  }
  return { ok, rejected, unreachable: false };
}
