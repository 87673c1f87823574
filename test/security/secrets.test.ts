/**
 * The secrets scan after the whole story: connect → refresh → a handoff run end to end, with the pages,
 * commands, buttons and webhooks around it — then every log line, every row of every table (pg-boss's
 * queue included), every page a browser was shown and every Slack message, view and reply is scanned for
 * every secret of the run: the tokens and codes the emulators issued, and Thread's own — the signing
 * secret, the encryption keys (current and previous), the provider client secrets, the Notion webhook
 * token. One hit fails.
 *
 * Every test app already scans for the emulators' tokens when it stops (startTestApp); this one adds
 * Thread's own secrets and the queue's tables, after a run that touches every place a secret passes.
 * Provider errors that echo a token are test/connectors/secrets.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSecrets } from '../../src/app/config.js';
import { refreshDueConnections } from '../../src/domain/connections/refresh-job.js';
import { connectVia } from '../connectors/helpers.js';
import { issuedSecrets, shownPages } from '../emulators/issued-secrets.js';
import { secretsShown } from '../helpers/app.js';
import { notionPageEvent, postNotion } from '../helpers/notion-webhooks.js';
import { addDeal, CHANNEL, closeDeal, handoffDone, postsTo } from '../workflows/handoff-world.js';
import { useSecurityWorld } from './world.js';

const previousKey = randomBytes(32).toString('base64');
const world = useSecurityWorld({ THREAD_PREVIOUS_ENCRYPTION_KEYS: previousKey });
const app = () => world.app;
const AE = 'UAESECRET';
/** Connecting, a refresh and a whole handoff run take seconds alone, longer on a busy machine. */
const WHOLE_STORY_MS = 120_000;

/** Opens a page as a browser would, and keeps what it was shown for the scan. */
async function visit(url: string): Promise<number> {
  const res = await fetch(url, { redirect: 'manual' });
  shownPages.push(await res.text());
  return res.status;
}

beforeAll(async () => {
  // Connect: HubSpot and Notion are (the world), Microsoft 365 sends the handoff email.
  await connectVia(app(), world.emulators.byId.microsoft!, 'microsoft');
  await app().commandReply('csm add <@UMEMBER|mo.member>');
  await app().commandReply(`handoff channel <#${CHANNEL}|cs-handoffs>`);
  app().slack.addUser({ id: AE, name: 'sam.seller', email: 'sam@ourco.example' });

  // Refresh: every connection's access token renewed by the scheduled job, rotated refresh tokens saved.
  const refreshes = () =>
    Object.values(world.emulators.byId).reduce((n, e) => n + e.tokenRequests.refresh_token, 0);
  const before = refreshes();
  await app()
    .thread.services.db.updateTable('connections')
    .set({ expires_at: new Date(Date.now() + 60_000) })
    .execute();
  expect(await refreshDueConnections(app().thread.services)).toMatchObject({ failed: 0 });
  expect(refreshes()).toBeGreaterThan(before);

  // The workflow: HubSpot's webhook → the handoff post, the CSM's and the AE's DMs, the email, write-back.
  addDeal(world, {
    id: '9401',
    name: 'Secretless Corp',
    owner: { id: '9402', email: 'sam@ourco.example', firstName: 'Sam', lastName: 'Seller' },
    company: { name: 'Secretless Corp', domain: 'secretless.example' },
  });
  await closeDeal(world, '9401');
  expect((await handoffDone(world, '9401')).status).toBe('completed');
  expect(postsTo(world, CHANNEL, 'Secretless Corp')).toHaveLength(1);

  // Around it: a Notion webhook, the dashboard and its buttons, commands, and the pages people meet.
  const row = world.notion.database.addRow({ name: 'Notion Row', status: 'Open' });
  expect(
    (
      await postNotion(
        `${app().url}/webhooks/notion`,
        notionPageEvent(world.notion.workspace.id, row),
        world.notionToken,
      )
    ).status,
  ).toBe(200);
  await app().openHome('UADMIN');
  await app().action('connector.view_logs', 'hubspot');
  await app().action('connector.test', 'notion');
  for (const text of ['status', 'test hubspot', 'account Secretless Corp', 'connect salesforce']) {
    await app().commandReply(text);
  }
  expect(await visit(`${app().url}/oauth/hubspot/callback?state=forged&code=stolen`)).toBe(400);
  expect(await visit(`${app().url}/oauth/gong/start?state=unknown`)).toBe(400);
  expect(await visit(`${app().url}/healthz`)).toBe(200);
  await app().thread.services.inflight.drain(5000);
}, WHOLE_STORY_MS);

describe('after connect → refresh → a whole handoff', () => {
  it('no secret of the run is in a log line, a table, a page or anything Slack was sent', async () => {
    const config = app().thread.services.config;
    const secrets = [...issuedSecrets, ...configSecrets(config)];
    // What the scan must cover: Thread's own secrets of every kind, and the providers' tokens.
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining([
        config.slack.signingSecret,
        config.encryptionKey,
        previousKey,
        world.notionToken,
        world.hubspotSecret,
        world.emulators.env.MICROSOFT_CLIENT_SECRET,
      ]),
    );
    expect(world.hubspot.liveAccessTokens().length).toBeGreaterThan(0);
    for (const token of world.hubspot.liveAccessTokens()) expect(issuedSecrets.has(token)).toBe(true);

    expect(await secretsShown(app(), secrets, ['public', 'pgboss'])).toEqual([]);
  });
});
