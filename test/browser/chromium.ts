/**
 * Headless Chromium for the browser tests: Debian's `chromium` package driven by playwright-core, which
 * downloads no browser of its own. Each browser gets a fresh profile folder, and the flags keep it from
 * calling out (this machine refuses outside connections, and Chromium waits on them).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `Chromium is not installed at ${CHROMIUM_PATH}: apt-get install chromium (Debian's package), or set CHROMIUM_PATH`;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A browser as a person might have it set: JavaScript on or off, cookies allowed or blocked. Cookies are
 * blocked the way a person blocks them, in the profile's settings (Chromium then neither stores nor sends
 * any), so nothing between the browser and the pages has to be faked.
 */
export async function openBrowser(options: { javaScript: boolean; cookies: boolean }): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'thread-chromium-'));
  if (!options.cookies) {
    mkdirSync(path.join(profile, 'Default'));
    writeFileSync(
      path.join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }), // 2 = block
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    javaScriptEnabled: options.javaScript,
    viewport: { width: 800, height: 600 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
