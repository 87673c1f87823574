/**
 * The connect flow in a real browser: headless Chromium opens the link `/thread connect hubspot` answers,
 * follows Thread's redirect to the HubSpot emulator's consent, and lands on Thread's callback page —
 * approved, denied, with an expired link, with a used link. Each page is saved as a PNG (the folder is
 * printed) and checked: the status, a title and text in plain words (no JSON, stack trace, `undefined`,
 * markup or token), on screen — and the same in a browser with JavaScript off and cookies blocked.
 *
 * Without Chromium the test is skipped, saying how to install it; in CI (CI=true) it fails instead.
 */

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashState } from '../../src/domain/connections/oauth-states.js';
import { connectionRow, linkFrom, useConnectorWorld } from '../connectors/helpers.js';
import { shownPages } from '../emulators/issued-secrets.js';
import { type Browser, chromiumMissing, openBrowser } from './chromium.js';

const missing = chromiumMissing();
const mustRun = process.env.CI === 'true';
if (missing && !mustRun) console.warn(`test/browser skipped: ${missing}`);

const VIEWPORT = { width: 800, height: 600 };

/** What a person sees on a page, and what the browser was told. */
interface Seen {
  status: number;
  title: string;
  heading: string;
  text: string;
  png: Buffer;
  box: { x: number; y: number; width: number; height: number } | null;
}

/** Signs that a page shows a program's insides instead of words for a person. */
const UNREADABLE: [string, RegExp][] = [
  ['JSON', /[{}[\]]|"\w+"\s*:/],
  ['a stack trace', /\bat \S+ \(|\.(?:ts|js|mjs):\d+/],
  ['undefined, null or NaN', /\b(?:undefined|null|NaN)\b|\[object \w+\]/],
  ['an error class', /\b\w*(?:Error|Exception)\b/],
  ['markup', /<\/?[a-z][^>]*>|&(?:[a-z]+|#\d+);/i],
  ['a token or id', /\S{40,}/],
];

function unreadable(text: string): string[] {
  const problems = UNREADABLE.filter(([, sign]) => sign.test(text)).map(([what]) => what);
  if ((text.match(/\p{L}{2,}/gu) ?? []).length < 8) problems.push('fewer than 8 words');
  return problems;
}

const modes = [
  { name: 'browser', javaScript: true, cookies: true },
  { name: 'no-js-no-cookies', javaScript: false, cookies: false },
] as const;
type Mode = (typeof modes)[number]['name'];

describe.skipIf(missing !== undefined && !mustRun)(
  `the connect pages in Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    if (missing) {
      it('has Chromium, as CI must', () => {
        throw new Error(missing);
      });
      return;
    }
    const world = useConnectorWorld();
    const browsers = {} as Record<Mode, Browser>;
    let shots = '';
    beforeAll(async () => {
      shots = mkdtempSync(path.join(tmpdir(), 'thread-connect-pages-'));
      for (const m of modes) browsers[m.name] = await openBrowser(m);
    });
    afterAll(async () => {
      for (const b of Object.values(browsers)) await b.close();
      if (shots) console.log(`connect page screenshots: ${shots}`);
    });

    /** A fresh link, the way a person gets one: `/thread connect hubspot` in Slack. */
    const newLink = async () => linkFrom(await world.app.commandReply('connect hubspot'));

    /** Opens `url` in a new tab of `mode`'s browser, saves the page it lands on as `<name>-<mode>.png`. */
    async function visit(
      mode: Mode,
      url: string,
      name: string,
      before?: (page: Page) => Promise<void>,
    ): Promise<Seen> {
      const page = await browsers[mode].context.newPage();
      try {
        await before?.(page);
        const response = (await page.goto(url)) as Response;
        const png = await page.screenshot({ path: path.join(shots, `${name}-${mode}.png`), fullPage: true });
        shownPages.push(await page.content()); // scanned for the emulators' secrets when the app stops
        return {
          status: response.status(),
          title: await page.title(),
          // Playwright's innerText: the text as rendered, which is what a person reads (not the DOM's).
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
          heading: await page.locator('h1').innerText(),
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
          text: await page.locator('main').innerText(),
          png,
          box: await page.locator('main').boundingBox(),
        };
      } finally {
        await page.close();
      }
    }

    /** The page is the expected one, in plain words, on screen — and the same in every browser. */
    function expectPage(seen: Record<Mode, Seen>, expected: { status: number; heading: string }) {
      for (const [mode, s] of Object.entries(seen)) {
        const what = `${expected.heading} (${mode})`;
        expect(s.status, what).toBe(expected.status);
        expect(s.title, what).toBe(`${expected.heading} · Thread`);
        expect(s.heading, what).toContain(expected.heading);
        expect(unreadable(s.text), `${what}: ${s.text}`).toEqual([]);
        // The message is in the window, not off to a side or below the fold.
        expect(s.box, what).not.toBeNull();
        expect(s.box!.x, what).toBeGreaterThanOrEqual(0);
        expect(s.box!.y, what).toBeGreaterThanOrEqual(0);
        expect(s.box!.x + s.box!.width, what).toBeLessThanOrEqual(VIEWPORT.width);
        expect(s.box!.y + s.box!.height, what).toBeLessThanOrEqual(VIEWPORT.height);
        expect(s.png.subarray(1, 4).toString(), what).toBe('PNG');
      }
      const { browser, 'no-js-no-cookies': strict } = seen;
      expect(strict.text).toBe(browser.text);
      expect(strict.title).toBe(browser.title);
      // Rendered pixel for pixel the same: the pages need neither JavaScript nor cookies.
      expect(strict.png.equals(browser.png), 'the two screenshots differ').toBe(true);
    }

    async function inEveryBrowser(open: (mode: Mode) => Promise<Seen>): Promise<Record<Mode, Seen>> {
      const seen = {} as Record<Mode, Seen>;
      for (const m of modes) seen[m.name] = await open(m.name);
      return seen;
    }

    const used = {} as Record<Mode, string>;

    it('approved: the link leads through HubSpot’s consent to “HubSpot is connected”', async () => {
      const seen = await inEveryBrowser(async (mode) => {
        used[mode] = await newLink();
        const s = await visit(mode, used[mode], 'connected');
        expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('connected');
        return s;
      });
      expectPage(seen, { status: 200, heading: 'HubSpot is connected' });
      expect(seen.browser.text).toContain('go back to Slack');
    });

    it('denied at HubSpot: “Connecting HubSpot was cancelled”', async () => {
      const seen = await inEveryBrowser(async (mode) =>
        visit(mode, await newLink(), 'cancelled', async (page) => {
          // The person presses Deny on HubSpot's consent screen: the emulator's Deny is a query parameter
          // on its authorize URL, added here to Thread's redirect on its way to the browser.
          await page.route('**/oauth/hubspot/start?**', async (route) => {
            const res = await route.fetch({ maxRedirects: 0 });
            const to = new URL(res.headers().location!);
            to.searchParams.set('__deny', '1');
            await route.fulfill({ response: res, headers: { ...res.headers(), location: to.toString() } });
          });
        }),
      );
      expectPage(seen, { status: 200, heading: 'Connecting HubSpot was cancelled' });
      expect(seen.browser.text).toContain('/thread connect hubspot');
    });

    it('an expired link: “This link has expired”, and how to get a new one', async () => {
      const seen = await inEveryBrowser(async (mode) => {
        const link = await newLink();
        // Its 10 minutes are over (moved into the past: the test does not wait them out).
        await world.app.thread.services.db
          .updateTable('oauth_states')
          .set({ expires_at: new Date(Date.now() - 60_000) })
          .where('state_hash', '=', hashState(new URL(link).searchParams.get('state')!))
          .execute();
        return visit(mode, link, 'expired');
      });
      expectPage(seen, { status: 400, heading: 'This link has expired' });
      expect(seen.browser.text).toContain('/thread connect hubspot');
    });

    it('a link used once already: “This link was already used”', async () => {
      const seen = await inEveryBrowser((mode) => visit(mode, used[mode], 'reused'));
      expectPage(seen, { status: 400, heading: 'This link was already used' });
      expect(seen.browser.text).toContain('/thread connect hubspot');
    });

    it('Thread set no cookie along the way; the strict browser really runs no script and keeps no cookie', async () => {
      expect(await browsers.browser.context.cookies()).toEqual([]);
      // The second browser's settings, checked against a page that tries both.
      const requests: (string | undefined)[] = [];
      const server = createServer((req, res) => {
        requests.push(req.headers.cookie);
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'probe=1; Path=/' });
        res.end('<title>static</title><script>document.title = "scripted"</script>');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        const page = await browsers['no-js-no-cookies'].context.newPage();
        await page.goto(url);
        await page.goto(url);
        expect(await page.title()).toBe('static');
        await page.close();
        expect(requests.filter(Boolean)).toEqual([]);
        expect(await browsers['no-js-no-cookies'].context.cookies()).toEqual([]);
      } finally {
        server.close();
      }
    });
  },
);
