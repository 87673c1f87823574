/**
 * Secrets stay secret: a provider that echoes Thread's access token in an error must not put it in a
 * reply, the Home tab, a table, a log line or the callback page — also right after a restart, when the
 * process has not seen the token yet. Members get the neutral sentence; managers also get the
 * provider's words, scrubbed. OAuth `state` values and codes never reach a log line.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { forgetSecrets } from '../../src/app/redact.js';
import { blocksToText } from '../../src/views/plain-text.js';
import type { Fault, OAuthEmulator } from '../emulators/oauth-provider.js';
import { dumpAllTables } from '../helpers/table-dump.js';
import { completeConsent, connectionRow, connectVia, linkFrom, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();
const hubspot = () => world.emulators.byId.hubspot!;
const text = (m: Record<string, unknown>) => blocksToText(m.blocks as unknown[]);

beforeEach(async () => {
  await world.app.thread.services.db.deleteFrom('connections').execute();
});

/**
 * A 403 in HubSpot's shape whose message quotes the newest access token and the app's client secret. The
 * body is read when the emulator answers, so it quotes the token issued just before.
 */
function echoingForbidden(emulator: OAuthEmulator): Fault {
  return {
    status: 403,
    get body() {
      const token = emulator.liveAccessTokens().at(-1);
      return {
        status: 'error',
        message: `The token ${token} (client ${emulator.clientSecret}) hasn't been granted all required scopes.`,
        category: 'MISSING_SCOPES',
      };
    },
  } as Fault;
}

/** Everything a person or an operator could read: Slack calls and replies, every table, every log line. */
async function everythingSeen(): Promise<string> {
  const slack = world.app.slack;
  return [
    JSON.stringify(slack.calls.map((c) => c.args)),
    JSON.stringify(slack.responses),
    await dumpAllTables(world.app.thread.services.database),
    world.app.logs.join('\n'),
  ].join('\n');
}

/** What a restarted process knows: its configuration, nothing it read or received before. */
function restart() {
  forgetSecrets();
  loadConfig(world.app.env);
}

function expectNoSecrets(haystack: string, secrets: string[]) {
  for (const s of secrets) expect(haystack.includes(s), `leaked ${s.slice(0, 12)}…`).toBe(false);
}

describe('a provider error that echoes the access token', () => {
  it('is scrubbed everywhere, even in a fresh process; members see only the neutral sentence', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const token = hubspot().liveAccessTokens().at(-1)!;
    restart(); // this process has never seen the token
    hubspot().failNext('api', echoingForbidden(hubspot()), echoingForbidden(hubspot()));

    const managerReply = text(await world.app.commandReply('test hubspot', 'UADMIN'));
    expect(managerReply).toContain('HubSpot test failed: Permission denied');
    expect(managerReply).toContain("hasn't been granted all required scopes");
    expect(managerReply).toContain('[redacted]');

    const row = await connectionRow(world.app, 'hubspot');
    expect(row?.status).toBe('error');
    expect(row?.error_message).toContain('[redacted]');

    const memberReply = text(await world.app.commandReply('test hubspot', 'UMEMBER'));
    expect(memberReply).toContain('Permission denied');
    expect(memberReply).not.toContain('granted all required scopes');

    const managerHome = text(await world.app.openHome('UADMIN'));
    expect(managerHome).toContain('Permission denied — Reconnect');
    expect(managerHome).toContain("hasn't been granted all required scopes");
    const memberHome = text(await world.app.openHome('UMEMBER'));
    expect(memberHome).toContain('Permission denied — Reconnect');
    expect(memberHome).not.toContain('granted all required scopes');

    expectNoSecrets(await everythingSeen(), [token, hubspot().clientSecret]);
  });

  it('on the callback page (identify fails) shows the scrubbed words and stores nothing secret', async () => {
    restart();
    const link = linkFrom(await world.app.commandReply('connect hubspot'));
    hubspot().failNext('api', echoingForbidden(hubspot()));
    const page = await completeConsent(hubspot(), link);
    const token = hubspot().liveAccessTokens().at(-1)!;
    expect(page.status).toBe(502);
    expect(page.html).toContain('HubSpot did not connect');
    expect(page.html).toContain('[redacted]');
    expectNoSecrets(page.html, [token, hubspot().clientSecret]);
    expectNoSecrets(await everythingSeen(), [token, hubspot().clientSecret]);
  });
});

describe('OAuth state and code in logs', () => {
  it('never appear in a log line, at debug level, including the Slack client’s own logging', async () => {
    const before = world.app.slack.callsTo('views.open').length;
    await world.app.action('connector.connect', 'hubspot');
    await world.app.until(() => world.app.slack.callsTo('views.open').length > before, 'connect modal');
    const modalLink = JSON.stringify(world.app.slack.callsTo('views.open').at(-1)!.args.view).match(
      /start\?state=([\w-]+)/,
    )![1]!;
    const page = await connectVia(world.app, hubspot(), 'hubspot');
    const callback = new URL(page.callbackUrl);
    const logs = world.app.logs.join('\n');
    expect(logs).toContain('views.open'); // the Slack client's debug lines are there…
    for (const secret of [
      modalLink,
      callback.searchParams.get('state')!,
      callback.searchParams.get('code')!,
    ]) {
      expect(logs.includes(secret), 'a state or code reached the logs').toBe(false); // …without the link
    }
  });
});
