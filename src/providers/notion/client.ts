/**
 * The official Notion SDK, built per call from a live token.
 *
 * `retry: false` turns off the SDK's own retries (2 by default, honouring Retry-After): our job engine
 * owns retries and backoff. The SDK appends `/v1/` to `baseUrl` itself. Its logger writes to the console,
 * outside our redacting logger, and at its default level (WARN) reports every failed request — we log the
 * classified failure instead, so it only speaks on errors.
 */
import type { Client } from '@notionhq/client';

export interface NotionClientOptions {
  auth?: string;
  apiUrl: string;
}

// The SDK is loaded on first use: Thread starts and idles without it.
export async function notionClient({ auth, apiUrl }: NotionClientOptions): Promise<Client> {
  const { Client, LogLevel } = await import('@notionhq/client');
  return new Client({ auth, baseUrl: apiUrl.replace(/\/+$/, ''), retry: false, logLevel: LogLevel.ERROR });
}
