/**
 * App Home for a busy workspace: every provider connected through its emulator (with Slack, the eight
 * connectors of the dashboard) and hundreds of accounts — timed from the signed `app_home_opened` event to
 * the `views.publish` reaching the Slack emulator. The baseline, in the same run: the same on an empty
 * workspace (nothing connected, no accounts). Samples alternate between the two apps, so the busy
 * machine's ups and downs fall on both. The busy view must stay within Slack's 100 blocks: Slack refuses
 * a larger one, and the Home would silently stop updating.
 */
import { PROVIDER_IDS } from '../src/providers/registry.js';
import { checkView } from '../test/emulators/slack.js';
import { startTestApp, type TestApp } from '../test/helpers/app.js';
import { percentile } from './load.js';
import type { Sizes } from './sizes.js';
import { type Row, row } from './table.js';
import { seedAccounts } from './workspace.js';
import { connect, startWorld } from './world.js';

const VIEWER = 'UADMIN';
const MAX_BLOCKS = 100;

/** Milliseconds from the event being sent to the Home reaching Slack, and the view published. */
async function openHome(app: TestApp) {
  const sent = Date.now();
  const res = await app.event({ type: 'app_home_opened', user: VIEWER, channel: 'DHOME', tab: 'home' });
  if (res.status !== 200) throw new Error(`app_home_opened answered HTTP ${res.status}`);
  const publish = await app.until(
    () =>
      app.slack.calls.find((c) => c.method === 'views.publish' && c.args.user_id === VIEWER && c.at >= sent),
    'the Home published',
    30_000,
  );
  return { ms: publish.at - sent, view: publish.args.view as Record<string, unknown> };
}

/**
 * Waits until the app has stopped publishing on its own (connecting publishes the Home, and its follow-up
 * work may again), so every measured publish answers the measured event.
 */
async function quiet(app: TestApp) {
  const publishes = () => app.slack.callsTo('views.publish').length;
  for (let last = -1; publishes() !== last; ) {
    last = publishes();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function blocksOf(view: Record<string, unknown>): number {
  return (view.blocks as unknown[]).length;
}

export async function benchHome(sizes: Sizes['home']): Promise<Row[]> {
  const world = await startWorld();
  const empty = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  try {
    const { app, emulators } = world;
    for (const provider of PROVIDER_IDS) await connect(app, emulators, provider);
    await seedAccounts(app.thread.services, app.teamId, sizes.accounts);
    await quiet(app);

    await openHome(empty); // warm-up: first queries, Bolt's first auth.test
    await openHome(app);
    const base: number[] = [];
    const busy: number[] = [];
    let view: Record<string, unknown> = {};
    for (let i = 0; i < sizes.opens; i++) {
      base.push((await openHome(empty)).ms);
      const opened = await openHome(app);
      busy.push(opened.ms);
      view = opened.view;
    }

    const blocks = blocksOf(view);
    const problem = checkView(view, 'home');
    if (problem || blocks > MAX_BLOCKS) {
      throw new Error(
        `the busy workspace's Home is not a view Slack accepts: ${problem ?? `${blocks} blocks`}`,
      );
    }
    // The seeded accounts must reach the view, or the figure is a light Home's and says nothing.
    const text = JSON.stringify(view);
    for (const section of ['Your accounts', 'Silent for']) {
      if (!text.includes(section)) throw new Error(`the busy workspace's Home has no "${section}" section`);
    }
    const what = `${PROVIDER_IDS.length + 1} connectors, ${sizes.accounts} accounts`;
    return [
      ...[50, 95].map((p) =>
        row(
          'home',
          `App Home publish p${p}, ${what}`,
          { value: percentile(busy, p), unit: 'ms' },
          { label: 'empty workspace', value: percentile(base, p), unit: 'ms' },
          p === 95 ? { notes: `${sizes.opens} opens each, app_home_opened → views.publish at Slack` } : {},
        ),
      ),
      row(
        'home',
        `App Home blocks, ${what}`,
        { value: blocks, unit: 'blocks' },
        { label: 'empty workspace', value: blocksOf(empty.slack.homeOf(VIEWER)!), unit: 'blocks' },
        { goal: `≤ ${MAX_BLOCKS}`, ok: true },
      ),
    ];
  } finally {
    await empty.stop();
    await world.close();
  }
}
