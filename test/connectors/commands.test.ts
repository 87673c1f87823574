/**
 * What a CS manager and a member see around a connection, read as they would read it: the connect link
 * and what it warns, the DM after connecting (which account, and a way out), `/thread disconnect`, the
 * dashboard's Test button, who may list Thread admins, the Home count — and every `/thread …` command
 * Thread suggests anywhere, run as suggested.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { blocksToText } from '../../src/views/plain-text.js';
import type { ProviderEmulator } from '../emulators/provider-emulator.js';
import { completeConsent, connectionRow, connectVia, linkFrom, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();
const hubspot = () => world.emulators.byId.hubspot! as ProviderEmulator;
const text = (m: Record<string, unknown>) => blocksToText(m.blocks as unknown[]);

beforeEach(async () => {
  await world.app.thread.services.db.deleteFrom('connections').execute();
  await world.app.thread.services.db.deleteFrom('thread_admins').execute();
});

/** The newest DM to `user`, as Slack shows it (blocks, buttons included). */
function lastDm(user: string) {
  const call = world.app.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${user}`)
    .at(-1);
  return call
    ? { text: blocksToText(call.args.blocks as unknown[]), blocks: call.args.blocks as unknown[] }
    : undefined;
}

/** Waits for the next views.open after `action` and returns the opened view. */
async function opened(action: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const before = world.app.slack.callsTo('views.open').length;
  await action();
  await world.app.until(() => world.app.slack.callsTo('views.open').length > before, 'views.open');
  return world.app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
}

/** The Home tab note for `user` once it contains `wanted`. */
async function homeSays(user: string, wanted: string): Promise<string> {
  return world.app.until(() => {
    const home = world.app.slack.homeOf(user);
    const t = home ? blocksToText(home.blocks as unknown[]) : '';
    return t.includes(wanted) ? t : undefined;
  }, `Home for ${user} to say "${wanted}"`);
}

describe('the connect link', () => {
  it('says what it is: single-use, 10 minutes, whoever opens it connects their account — do not forward', async () => {
    const reply = text(await world.app.commandReply('connect hubspot'));
    expect(reply).toContain('single-use');
    expect(reply).toContain('10 minutes');
    expect(reply).toContain('Whoever opens it connects their HubSpot account');
    expect(reply).toContain('don’t forward it');
    expect(reply).not.toContain('only for you');
    const modal = blocksToText(
      (await opened(() => world.app.action('connector.connect', 'notion'))).blocks as unknown[],
    );
    expect(modal).toContain('Whoever opens it connects their Notion account');
    expect(modal).toContain('don’t forward it');
  });
});

describe('after connecting', () => {
  it('the requester’s DM names the account that was connected and offers Disconnect', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const dm = lastDm('UADMIN')!;
    expect(dm.text).toMatch(/HubSpot connected ✅ — account acme\.com \(portal \d+\)/);
    expect(dm.text).toContain('Not you?');
    expect(dm.text).toContain('[ Disconnect ]');
    const view = await opened(async () => {
      const button = JSON.stringify(dm.blocks).match(/"action_id":"([^"]+)","value":"([^"]+)"/);
      expect(button?.slice(1)).toEqual(['connector.disconnect', 'hubspot']);
      await world.app.action('connector.disconnect', 'hubspot');
    });
    expect(blocksToText(view.blocks as unknown[])).toMatch(
      /Disconnect HubSpot — account acme\.com \(portal \d+\)\?/,
    );
  });
});

describe('/thread disconnect', () => {
  it('asks an admin to confirm, naming the account; confirming disconnects', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const before = world.app.slack.callsTo('views.open').length;
    const reply = await world.app.command('disconnect hubspot');
    expect(reply.status).toBe(200);
    await world.app.until(() => world.app.slack.callsTo('views.open').length > before, 'confirmation');
    const modal = world.app.slack.callsTo('views.open').at(-1)!.args.view as Record<string, unknown>;
    expect(modal.callback_id).toBe('connector.disconnect_confirm');
    expect(modal.private_metadata).toBe('hubspot');
    expect(blocksToText(modal.blocks as unknown[])).toMatch(/Disconnect HubSpot — account acme\.com/);
    expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('connected'); // nothing yet
    await world.app.viewSubmission('connector.disconnect_confirm', 'hubspot');
    await homeSays('UADMIN', 'HubSpot is disconnected');
    expect((await connectionRow(world.app, 'hubspot'))?.status).toBe('available');
  });

  it('refuses a member, politely, and opens nothing', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    const before = world.app.slack.callsTo('views.open').length;
    const reply = text(await world.app.commandReply('disconnect hubspot', 'UMEMBER'));
    expect(reply).toContain('only workspace admins and Thread admins can disconnect HubSpot');
    expect(world.app.slack.callsTo('views.open')).toHaveLength(before);
  });

  it('says so when there is nothing to disconnect, and helps with a typo', async () => {
    expect(text(await world.app.commandReply('disconnect hubspot'))).toBe('HubSpot is not connected.');
    expect(text(await world.app.commandReply('disconnect hubspto'))).toContain('did you mean `hubspot`?');
  });
});

describe('the dashboard Test button', () => {
  it('shows the result at the top of the presser’s Home tab', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    await world.app.action('connector.test', 'hubspot', 'UMEMBER');
    const home = await homeSays('UMEMBER', 'HubSpot test passed');
    expect(home).toMatch(/✅ HubSpot test passed in \d+ ms — Read 1 deal\./);
  });

  it('on failure: the neutral sentence for a member, the provider’s words too for a manager', async () => {
    await connectVia(world.app, hubspot(), 'hubspot');
    hubspot().failNext('api', hubspot().fault(403, { message: 'Scope crm.objects.deals.read missing' }));
    await world.app.action('connector.test', 'hubspot', 'UMEMBER');
    const member = await homeSays('UMEMBER', 'HubSpot test failed');
    expect(member).toContain(
      '⚠️ HubSpot test failed: Permission denied. Reconnect and grant all the permissions',
    );
    expect(member).not.toContain('Scope crm.objects.deals.read missing');
    hubspot().failNext('api', hubspot().fault(403, { message: 'Scope crm.objects.deals.read missing' }));
    await world.app.action('connector.test', 'hubspot', 'UADMIN');
    const manager = await homeSays('UADMIN', 'HubSpot test failed');
    expect(manager).toContain('HubSpot said: Scope crm.objects.deals.read missing');
  });

  it('on a connector that is not connected, says so', async () => {
    await world.app.action('connector.test', 'gong', 'UMEMBER');
    await homeSays('UMEMBER', 'Gong is not connected.');
  });
});

describe('/thread admins', () => {
  it('anyone may list them (members need to know whom to ask); only managers change them', async () => {
    await world.app.commandReply('admins add <@UOWNER|omar>', 'UADMIN');
    const list = text(await world.app.commandReply('admins list', 'UMEMBER'));
    expect(list).toContain('Thread admins: @UOWNER');
    const refused = text(await world.app.commandReply('admins add <@UMEMBER|mo>', 'UMEMBER'));
    expect(refused).toContain('only workspace admins and Thread admins can change Thread admins');
    expect(text(await world.app.commandReply('admins list', 'UMEMBER'))).not.toContain('UMEMBER');
  });
});

describe('the Home count', () => {
  it('counts connected tools, not the Slack workspace Thread lives in', async () => {
    const empty = text(await world.app.openHome('UADMIN'));
    expect(empty).toContain('No tools connected yet');
    expect(empty).not.toContain('1 connected');
    await connectVia(world.app, hubspot(), 'hubspot');
    expect(text(await world.app.openHome('UADMIN'))).toContain('1 tool connected.');
    hubspot().revokeAllGrants();
    await world.app.commandReply('test hubspot');
    expect(text(await world.app.openHome('UADMIN'))).toContain('1 tool connected · 1 needs attention.');
  });
});

describe('every command Thread suggests', () => {
  it('works when run exactly as suggested', async () => {
    const seen: string[] = [];
    // Connected with a permission missing: the page, the DM, the Home tab and a test reply all suggest.
    const google = world.emulators.byId.google!;
    google.grantScopes(['openid', 'email', 'https://www.googleapis.com/auth/calendar.events']);
    seen.push((await connectVia(world.app, google, 'google')).html, lastDm('UADMIN')!.text);
    // A revoked grant: the broken DM and the Home tab.
    await connectVia(world.app, hubspot(), 'hubspot');
    hubspot().revokeAllGrants();
    seen.push(text(await world.app.commandReply('test hubspot')), lastDm('UADMIN')!.text);
    seen.push(text(await world.app.openHome('UADMIN')), text(await world.app.commandReply('status')));
    // Cancelled, expired, used and broken links; a provider that refuses the code.
    const link = linkFrom(await world.app.commandReply('connect notion'));
    seen.push((await completeConsent(world.emulators.byId.notion!, link, 'deny')).html);
    seen.push(await (await fetch(link)).text());
    seen.push(await (await fetch(`${world.app.url}/oauth/zoom/start?state=nope`)).text());
    world.emulators.byId.gong!.failNext('token', { status: 400, body: { error: 'invalid_request' } });
    seen.push(
      (
        await completeConsent(
          world.emulators.byId.gong!,
          linkFrom(await world.app.commandReply('connect gong')),
        )
      ).html,
    );
    // Replies that suggest another command.
    for (const typed of ['connect', 'test gong', 'stauts', 'connect salsforce', 'connect hubspot sandbox']) {
      seen.push(text(await world.app.commandReply(typed)));
    }
    seen.push(text(await world.app.commandReply('connect hubspot', 'UMEMBER')));

    const suggested = new Set(
      seen
        .join('\n')
        .replace(/<\/?code>/g, '`')
        .match(/`\/thread [^`]+`/g)!
        .map((s) => s.slice(1, -1)),
    );
    expect(suggested.size).toBeGreaterThan(6);
    for (const command of suggested) {
      if (command.includes('<') || command.includes('@')) continue; // usage templates, e.g. <provider>
      const reply = text(await world.app.commandReply(command.replace('/thread ', '')));
      expect(reply, `${command} → ${reply}`).not.toMatch(
        /I don't know|has no .* option|Which one\?|failed on our side/,
      );
    }
  });
});
