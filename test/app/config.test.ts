import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';

const base = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1-abc' };

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies defaults for a single-workspace setup', () => {
    const c = loadConfig(base);
    expect(c.slack.mode).toEqual({ kind: 'single', botToken: 'xoxb-1-abc' });
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./.thread');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.providers.SALESFORCE).toEqual({});
  });

  it('reads multi-workspace install settings and provider overrides', () => {
    const c = loadConfig({
      SLACK_SIGNING_SECRET: 's',
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'x'.repeat(32),
      SALESFORCE_CLIENT_ID: 'sf-id',
      SALESFORCE_TOKEN_URL: 'https://test.salesforce.com/services/oauth2/token',
      PORT: '8080',
    });
    expect(c.slack.mode.kind).toBe('multi');
    expect(c.port).toBe(8080);
    expect(c.providers.SALESFORCE.clientId).toBe('sf-id');
    expect(c.providers.SALESFORCE.tokenUrl).toBe('https://test.salesforce.com/services/oauth2/token');
  });

  it('lists every bad variable at once, what is wrong, and where to get it', () => {
    const msg = problems({ PORT: 'eighty', DATABASE_URL: 'mysql://x', HUBSPOT_TOKEN_URL: 'not a url' });
    expect(msg).toContain('SLACK_SIGNING_SECRET: is required');
    expect(msg).toContain('Signing Secret');
    expect(msg).toContain('PORT: must be a port number');
    expect(msg).toContain('DATABASE_URL: must be a postgres://');
    expect(msg).toContain('HUBSPOT_TOKEN_URL: must be a full URL');
    expect(msg).not.toMatch(/\n\s+at /); // no stack frames
  });

  it('says everything in one round, in plain words', () => {
    // A missing signing secret used to hide the bot-token problems until it was fixed.
    const msg = problems({ LOG_LEVEL: 'loud', SLACK_BOT_TOKEN: 'xoxp-user-token' });
    expect(msg).toContain('SLACK_SIGNING_SECRET: is required');
    expect(msg).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(msg).toContain('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent');
    expect(msg).not.toMatch(/Invalid option|expected one of/);
    const none = problems({ PORT: 'x' });
    expect(none).toContain('SLACK_SIGNING_SECRET: is required');
    expect(none).toContain('SLACK_BOT_TOKEN: is required for a single workspace');
    expect(none).toContain('PORT: must be a port number');
  });

  it('asks for a bot token or the install settings', () => {
    expect(problems({ SLACK_SIGNING_SECRET: 's' })).toContain(
      'SLACK_BOT_TOKEN: is required for a single workspace',
    );
    const partial = problems({ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1' });
    expect(partial).toContain('SLACK_CLIENT_SECRET: is required for multi-workspace install');
    expect(partial).toContain('SLACK_STATE_SECRET: is required');
  });

  it('rejects malformed tokens and keys', () => {
    expect(problems({ ...base, SLACK_BOT_TOKEN: 'xoxp-user' })).toContain(
      'must be a bot token starting with xoxb-',
    );
    expect(problems({ ...base, SLACK_APP_TOKEN: 'xoxb-nope' })).toContain(
      'SLACK_APP_TOKEN: must be an app-level token',
    );
    expect(problems({ ...base, THREAD_ENCRYPTION_KEY: 'short' })).toContain(
      'THREAD_ENCRYPTION_KEY: must be exactly 32 bytes',
    );
  });

  it('requires an encryption key with an external database', () => {
    expect(problems({ ...base, DATABASE_URL: 'postgres://localhost/x' })).toContain(
      'THREAD_ENCRYPTION_KEY: is required when DATABASE_URL is set',
    );
  });
});

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('npm start with bad settings', () => {
  it('exits 1 with the readable message, no stack trace', () => {
    const r = start({ PORT: 'x' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Thread cannot start: the configuration has problems.');
    expect(r.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names DATABASE_URL when the database is unreachable', () => {
    const r = start({
      ...base,
      DATABASE_URL: 'postgres://thread:pw@127.0.0.1:1/thread',
      THREAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Thread cannot reach its database');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).not.toContain(':pw@');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads', async () => {
    const { readFileSync } = await import('node:fs');
    const example = readFileSync('.env.example', 'utf8');
    const source = readFileSync('src/app/config.ts', 'utf8');
    const named = new Set([...source.matchAll(/\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\b/g)].map((m) => m[1]!));
    const { PROVIDER_ENV_PREFIXES } = await import('../../src/app/config.js');
    for (const p of PROVIDER_ENV_PREFIXES) {
      for (const s of ['CLIENT_ID', 'CLIENT_SECRET', 'AUTHORIZE_URL', 'TOKEN_URL', 'REVOKE_URL', 'API_URL'])
        named.add(`${p}_${s}`);
    }
    named.delete('NODE_ENV');
    for (const v of named) {
      if (v.startsWith('PROVIDER_') || v === 'SLACK_API_DEFAULT') continue;
      expect(example, `${v} missing from .env.example`).toMatch(new RegExp(`^${v}=`, 'm'));
    }
  });
});
