import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { captureStream, createLogger } from '../../src/app/logger.js';
import { forgetSecrets, rememberSecret, rememberSecretsIn, scrub } from '../../src/app/redact.js';

function logOnce(fn: (log: ReturnType<typeof createLogger>) => void): string {
  const capture = captureStream();
  fn(createLogger({ destination: capture.stream, level: 'debug' }));
  return capture.lines.join('\n');
}

describe('logger redaction', () => {
  it('masks sensitive keys at any depth', () => {
    const out = logOnce((log) =>
      log.info(
        {
          connection: { tokens: { access_token: 'AT-123456789', refresh_token: 'RT-123456789' } },
          client_secret: 'cs-abcdefgh',
        },
        'x',
      ),
    );
    for (const s of ['AT-123456789', 'RT-123456789', 'cs-abcdefgh']) expect(out).not.toContain(s);
    expect(out).toContain('[redacted]');
  });

  it('masks authorization headers and OAuth codes inside SDK error objects', () => {
    const err = Object.assign(new Error('Request failed with status code 401'), {
      config: {
        headers: {
          Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.secretpart',
          'Content-Type': 'application/json',
        },
        url: 'https://api.example.com/oauth/token?code=abc123XYZ789&state=s',
        data: 'grant_type=refresh_token&refresh_token=rt-verysecret-42&client_secret=shh-secret-99',
      },
      response: { status: 401, data: { error: 'invalid_grant', access_token: 'leaked-at-0001' } },
      code: 'ERR_BAD_REQUEST',
    });
    const out = logOnce((log) => log.error({ err }, 'refresh failed'));
    for (const s of [
      'eyJhbGciOiJIUzI1NiJ9',
      'abc123XYZ789',
      'rt-verysecret-42',
      'shh-secret-99',
      'leaked-at-0001',
    ]) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain('ERR_BAD_REQUEST'); // error identifiers survive
    expect(out).toContain('invalid_grant');
    expect(out).toContain('Request failed with status code 401');
  });

  it('masks Slack tokens and remembered secrets in message strings', () => {
    rememberSecret('opaque-secret-without-shape-777');
    const out = logOnce((log) =>
      log.warn('token xoxb-1234-5678-abcdef and opaque-secret-without-shape-777 in a message'),
    );
    expect(out).not.toContain('xoxb-1234');
    expect(out).not.toContain('opaque-secret-without-shape-777');
  });

  it('handles cycles and buffers', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.buf = Buffer.from('secret bytes');
    expect(scrub(a)).toEqual({ name: 'a', self: '[circular]', buf: '[12 bytes]' });
  });
});

describe('secrets known to the scrubber', () => {
  it('every secret in the configuration, from the moment it is loaded', () => {
    forgetSecrets();
    const secrets = {
      SLACK_SIGNING_SECRET: 'signing-secret-value-1234',
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'slack-client-secret-5678',
      SLACK_STATE_SECRET: 'state-secret-value-state-secret-value-0000',
      HUBSPOT_CLIENT_ID: 'hubspot-id',
      HUBSPOT_CLIENT_SECRET: 'hubspot-client-secret-9999',
      SLACK_APP_TOKEN: 'xapp-plain-looking-app-token',
    };
    loadConfig(secrets);
    const out = logOnce((log) => log.info(`values: ${Object.values(secrets).join(' ')}`));
    for (const [name, value] of Object.entries(secrets)) {
      if (name.endsWith('_ID')) expect(out).toContain(value);
      else expect(out, name).not.toContain(value);
    }
  });

  it('a stored token set or Slack installation token by token, not only whole', () => {
    forgetSecrets();
    rememberSecretsIn(
      JSON.stringify({
        accessToken: 'opaque-access-1111',
        refreshToken: 'opaque-refresh-2222',
        tokenType: 'bearer',
      }),
    );
    rememberSecretsIn(
      JSON.stringify({ team: { id: 'T1', name: 'Acme' }, bot: { token: 'opaque-bot-3333' } }),
    );
    const out = logOnce((log) =>
      log.warn(
        'provider said opaque-access-1111 / opaque-refresh-2222 / opaque-bot-3333 is bad; bearer Acme',
      ),
    );
    for (const s of ['opaque-access-1111', 'opaque-refresh-2222', 'opaque-bot-3333'])
      expect(out).not.toContain(s);
    expect(out).toContain('bearer Acme'); // descriptions of a token are not secrets
  });

  it('OAuth state values in URLs and JSON text, but not words in a state field', () => {
    const out = logOnce((log) =>
      log.debug(
        'http request body: {"view":"{\\"url\\":\\"https://t.example/oauth/hubspot/start?state=AbC123_-xyz\\"}"}',
      ),
    );
    expect(out).not.toContain('AbC123_-xyz');
    expect(out).toContain('state=[redacted]');
    const json = logOnce((log) =>
      log.debug(
        `oauth: {"state":"${'s'.repeat(43)}","status":"connected"} {\\"state\\":\\"${'t'.repeat(43)}\\"}`,
      ),
    );
    expect(json).not.toMatch(/s{43}|t{43}/);
    expect(json).toContain('connected');
    expect(logOnce((log) => log.info({ state: 'connected' }, 'x'))).toContain('"state":"connected"');
  });
});
