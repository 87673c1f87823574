/**
 * manifest.json ⇄ src/app/scopes.ts ⇄ what the code registers and calls: nothing used is undeclared,
 * nothing declared is unused (or it is marked planned, with the capability that will use it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { BOT_EVENTS, BOT_SCOPE_REASONS, BOT_SCOPES, METHOD_SCOPES } from '../../src/app/scopes.js';
import type { Services } from '../../src/app/services.js';
import { registerSlackListeners } from '../../src/listeners/slack/index.js';

const manifest = JSON.parse(readFileSync('manifest.json', 'utf8'));

function registered() {
  const seen = {
    commands: [] as string[],
    events: [] as string[],
    actions: [] as string[],
    views: [] as string[],
  };
  const recorder = {
    command: (name: string) => seen.commands.push(name),
    event: (name: string) => seen.events.push(name),
    action: (id: string | { action_id: string }) =>
      seen.actions.push(typeof id === 'string' ? id : id.action_id),
    view: (id: string | { callback_id: string }) =>
      seen.views.push(typeof id === 'string' ? id : id.callback_id),
    use: () => {},
    error: () => {},
  };
  registerSlackListeners(recorder as unknown as App, {} as Services);
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('manifest.json', () => {
  it('is an importable app manifest: bot user, App Home tab, /thread with a usage hint, interactivity', () => {
    expect(manifest._metadata.major_version).toBe(1);
    expect(manifest.features.bot_user.display_name).toBe('Thread');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    const [cmd] = manifest.features.slash_commands;
    expect(cmd.command).toBe('/thread');
    expect(cmd.usage_hint).toMatch(/help/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const url of [
      cmd.url,
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ]) {
      expect(url).toMatch(/^https:\/\/thread\.example\.com\/slack\/events$/);
    }
  });

  it('declares every command the code registers, and registers every command it declares', () => {
    const declared = manifest.features.slash_commands.map((c: { command: string }) => c.command);
    expect(registered().commands.sort()).toEqual(declared.sort());
  });

  it('declares exactly the bot events in the events table; each is handled or marked planned', () => {
    const declared: string[] = manifest.settings.event_subscriptions.bot_events;
    expect([...declared].sort()).toEqual(Object.keys(BOT_EVENTS).sort());
    // One `message` listener hears both subscriptions: public and private channels' messages.
    const handled = registered().events.flatMap((e) =>
      e === 'message' ? ['message.channels', 'message.groups'] : [e],
    );
    for (const e of handled) expect(declared).toContain(e);
    for (const [event, grant] of Object.entries(BOT_EVENTS)) {
      if (!handled.includes(event))
        expect(grant, `${event} is declared but unhandled`).toHaveProperty('planned');
    }
  });

  it('declares exactly the scopes in the scopes table; each is used by the code or marked planned', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    const code = sourceFiles('src')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const called = new Set(
      [...code.matchAll(/\bclient\.(chat|users|conversations|views|reactions|auth)\.(\w+)\(/g)].map(
        (m) => `${m[1]}.${m[2]}`,
      ),
    );
    const needed = new Set<string>(['commands']);
    // An event Slack sends only with a scope needs that scope as much as a method does.
    for (const grant of Object.values(BOT_EVENTS)) if (grant.scope) needed.add(grant.scope);
    for (const method of called) {
      expect(METHOD_SCOPES, `no scope recorded for ${method}`).toHaveProperty([method]);
      for (const scope of [METHOD_SCOPES[method] ?? []].flat()) needed.add(scope);
    }
    for (const scope of needed) expect(BOT_SCOPES).toContain(scope);
    for (const [scope, grant] of Object.entries(BOT_SCOPE_REASONS)) {
      if (!needed.has(scope)) expect(grant, `${scope} is declared but unused`).toHaveProperty('planned');
    }
  });
});
