/**
 * `npm run demo`: Thread end to end on the embedded defaults. Boots the real app on a fresh embedded
 * database in a temporary folder, against the local Slack emulator, plays a CS manager's first minutes,
 * and prints what each Slack user would see — as text, the way Slack shows it.
 */
import { rmSync } from 'node:fs';
import { blocksToText } from '../src/views/plain-text.js';
import { startTestApp } from '../test/helpers/app.js';

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

async function main() {
  const app = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
  try {
    console.log(`Thread is running at ${app.url} (embedded database in ${app.env.THREAD_DATA_DIR}).`);
    console.log('Slack is emulated locally; everything else is the real app.');

    show('Ana (workspace admin) types: /thread help', await app.commandReply('help'));
    show('Ana mistypes: /thread stauts', await app.commandReply('stauts'));
    show('Ana opens the Thread app → Home tab', await app.openHome('UADMIN'));
  } finally {
    await app.stop();
    rmSync(app.env.THREAD_DATA_DIR!, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('The demo failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
