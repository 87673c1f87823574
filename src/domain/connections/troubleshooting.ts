/**
 * The one transition table: a neutral failure code → what happens to the connection, and the words a CS
 * manager sees (the product's troubleshooting table). Nothing else decides these.
 */
import type { NeutralCode } from '../../providers/types.js';

export interface Trouble {
  /** Does the connection go to Error now, or only if the failure persists (retried first)? */
  effect: 'error' | 'error_if_persistent' | 'none';
  title: string;
  fix: string;
  /** Whoever connected it gets a DM when this breaks the connection. */
  notify: boolean;
}

export const TROUBLESHOOTING: Record<NeutralCode, Trouble> = {
  grant_revoked: {
    effect: 'error',
    title: 'Token expired',
    fix: 'Reconnect to sign in again.',
    notify: true,
  },
  token_expired: {
    effect: 'error',
    title: 'Token expired',
    fix: 'Reconnect to sign in again.',
    notify: true,
  },
  permission_denied: {
    effect: 'error',
    title: 'Permission denied',
    fix: 'Reconnect and grant all the permissions Thread asks for.',
    notify: true,
  },
  rate_limited: {
    effect: 'error_if_persistent',
    title: 'Provider rate limit or outage — retrying',
    fix: 'Thread retries automatically; nothing to do unless this lasts more than an hour.',
    notify: false,
  },
  temporary: {
    effect: 'error_if_persistent',
    title: 'Provider rate limit or outage — retrying',
    fix: 'Thread retries automatically; nothing to do unless this lasts more than an hour.',
    notify: false,
  },
  not_found: {
    effect: 'none',
    title: 'Not found',
    fix: 'Check that the account still exists, then Reconnect.',
    notify: false,
  },
  invalid_config: {
    effect: 'error',
    title: 'Setup problem',
    fix: "The Thread server's app credentials or redirect URL for this provider are wrong: tell whoever runs Thread.",
    notify: true,
  },
  tokens_unreadable: {
    effect: 'error',
    title: 'Setup problem',
    fix: "Thread's encryption key no longer opens this connection's saved sign-in. Whoever runs Thread puts the previous key back in THREAD_PREVIOUS_ENCRYPTION_KEYS and runs `npm run keys:rotate` — or Reconnect to sign in again.",
    notify: true,
  },
  unknown: {
    effect: 'none',
    title: 'Error',
    fix: 'Press Test to try again; if it keeps failing, Reconnect.',
    notify: false,
  },
};

/**
 * Not the provider at all: Thread could not read or save the connection's tokens (its database, the
 * vault, the encryption key). The connection's state does not change; the cause goes to the server log.
 */
export const STORAGE_TROUBLE = {
  title: 'Thread could not read or save its tokens',
  fix: 'This is on the Thread server, not the provider. Try again in a minute; if it keeps failing, tell whoever runs Thread (the server log names the cause).',
} as const;

/** Consecutive failed refreshes before a retried failure shows as Error. */
export const PERSISTENT_AFTER = 3;
