/**
 * The official Notion SDK, built per call from a live token.
 *
 * `retry: false` turns off the SDK's own retries (2 by default, honouring Retry-After): our job engine
 * owns retries and backoff. The SDK appends `/v1/` to `baseUrl` itself. Its logger writes to the console,
 * outside our redacting logger, and at its default level (WARN) reports every failed request — we log the
 * classified failure instead, so it only speaks on errors.
 */
import { Client, LogLevel } from '@notionhq/client';

export interface NotionClientOptions {
  auth?: string;
  apiUrl: string;
}

export function notionClient({ auth, apiUrl }: NotionClientOptions): Client {
  return new Client({ auth, baseUrl: apiUrl.replace(/\/+$/, ''), retry: false, logLevel: LogLevel.ERROR });
}
