// The baseline for the footprint benchmark: a bare Bolt app (HTTP receiver, one slash command, /healthz)
// in its own process — what any Bolt app costs before it does anything.
import bolt from '@slack/bolt';

const receiver = new bolt.ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET });
const app = new bolt.App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/thread', async ({ ack }) => {
  await ack('help');
});
receiver.app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
await app.start(Number(process.env.PORT));
process.on('SIGTERM', () => process.exit(0));
