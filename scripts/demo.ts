/**
 * `npm run demo`: Thread end to end on the embedded defaults. Boots the real app on a fresh embedded
 * database in a temporary folder, against the local Slack and provider emulators, plays a CS manager's
 * first minutes (help, Home, connecting HubSpot and a Salesforce sandbox, status), and prints what each
 * Slack user would see — as text, the way Slack shows it.
 */
import { rmSync } from 'node:fs';
import { blocksToText } from '../src/views/plain-text.js';
import { completeConsent, linkFrom } from '../test/connectors/helpers.js';
import { startProviderEmulators } from '../test/emulators/providers.js';
import { startTestApp, type TestApp } from '../test/helpers/app.js';

const bar = (title: string) => `\n━━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`;
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');

function show(title: string, message: Record<string, unknown>) {
  console.log(bar(title));
  const blocks = message.blocks as unknown[] | undefined;
  console.log(indent(blocks?.length ? blocksToText(blocks) : String(message.text ?? '')));
}

/** The callback page's headline, as the browser shows it. */
function pageTitle(html: string): string {
  const m = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html) ?? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  return (m?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The newest DM Thread sent to `userId`, as Slack shows it. */
function lastDm(app: TestApp, userId: string): Record<string, unknown> {
  const dms = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}`);
  const dm = dms.at(-1);
  if (!dm) throw new Error(`no DM to ${userId}`);
  return dm.args as Record<string, unknown>;
}

async function connect(
  app: TestApp,
  emulators: Awaited<ReturnType<typeof startProviderEmulators>>,
  provider: string,
  name: string,
  args = '',
) {
  const command = `connect ${provider}${args ? ` ${args}` : ''}`;
  const reply = await app.commandReply(command);
  show(`Ana types: /thread ${command}`, reply);
  const dmsBefore = app.slack.callsTo('chat.postMessage').length;
  const page = await completeConsent(emulators.byId[provider]!, linkFrom(reply));
  if (page.status !== 200) throw new Error(`the ${name} callback page answered HTTP ${page.status}`);
  console.log(`\n→ Ana's browser: ${name} consent approved → callback page: '${pageTitle(page.html)}'`);
  await app.until(() => app.slack.callsTo('chat.postMessage').length > dmsBefore, `the ${name} DM`);
  show(`Ana gets a DM from Thread`, lastDm(app, 'UADMIN'));
}

async function main() {
  const emulators = await startProviderEmulators();
  const app = await startTestApp({ env: { ...emulators.env, LOG_LEVEL: 'warn' } });
  try {
    console.log(`Thread is running at ${app.url} (embedded database in ${app.env.THREAD_DATA_DIR}).`);
    console.log('Slack is emulated locally; everything else is the real app.');

    show('Ana (workspace admin) types: /thread help', await app.commandReply('help'));
    show('Ana mistypes: /thread stauts', await app.commandReply('stauts'));
    show('Ana opens the Thread app → Home tab', await app.openHome('UADMIN'));

    await connect(app, emulators, 'hubspot', 'HubSpot');
    await connect(app, emulators, 'salesforce', 'Salesforce', 'sandbox');
    show('Ana types: /thread status', await app.commandReply('status'));
    show('Ana opens the Home tab again', await app.openHome('UADMIN'));
  } finally {
    await app.stop();
    await emulators.close();
    rmSync(app.env.THREAD_DATA_DIR!, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('The demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
