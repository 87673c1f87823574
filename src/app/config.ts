/**
 * Every setting Thread reads, parsed once from the environment (and `.env` when present).
 *
 * Bad configuration is the most common first-run failure, so it must never surface as a stack trace:
 * `loadConfig` throws a `ConfigError` whose message lists every bad variable, what is wrong with it,
 * and where its value comes from. `main` prints that message and exits non-zero.
 */
import { z } from 'zod';
import { rememberSecret } from './redact.js';

export const PROVIDER_ENV_PREFIXES = [
  'HUBSPOT',
  'SALESFORCE',
  'NOTION',
  'GOOGLE',
  'MICROSOFT',
  'GONG',
  'ZOOM',
] as const;
export type ProviderEnvPrefix = (typeof PROVIDER_ENV_PREFIXES)[number];

/** Where each variable's value comes from: shown next to the problem so the fix is one step away. */
const WHERE: Record<string, string> = {
  SLACK_SIGNING_SECRET: 'Slack app settings → Basic Information → App Credentials → Signing Secret',
  SLACK_BOT_TOKEN: 'Slack app settings → OAuth & Permissions → Bot User OAuth Token (starts with xoxb-)',
  SLACK_CLIENT_ID: 'Slack app settings → Basic Information → App Credentials → Client ID',
  SLACK_CLIENT_SECRET: 'Slack app settings → Basic Information → App Credentials → Client Secret',
  SLACK_STATE_SECRET: 'any random string of 32+ characters, e.g. `openssl rand -hex 32`',
  SLACK_APP_TOKEN: 'Slack app settings → Basic Information → App-Level Tokens (starts with xapp-)',
  SLACK_API_URL: "leave unset to use Slack's API (https://slack.com/api/)",
  THREAD_PUBLIC_URL: 'the https address where Slack and providers reach this server',
  PORT: 'a TCP port number, e.g. 3000',
  DATABASE_URL: 'Supabase → Project Settings → Database → Connection string (URI); unset = embedded database',
  THREAD_DATA_DIR: 'a writable folder for the embedded database and key (default ./.thread)',
  THREAD_ENCRYPTION_KEY: '32 random bytes as base64: `openssl rand -base64 32`',
  THREAD_PREVIOUS_ENCRYPTION_KEYS: 'comma-separated old THREAD_ENCRYPTION_KEY values, kept while rotating',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace',
  THREAD_METRICS_TOKEN:
    'any random string of 32+ characters, e.g. `openssl rand -hex 32`; unset = no /metrics',
};

const logLevelNames = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      [
        'Thread cannot start: the configuration has problems.',
        ...problems.map(
          (p) =>
            `  • ${p.variable}: ${p.problem}${WHERE[p.variable] ? `\n      where to get it: ${WHERE[p.variable]}` : ''}`,
        ),
        'Set these in the environment or in a .env file (see .env.example).',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = optionalString.pipe(
  z.url({ message: 'must be a full URL such as https://example.com' }).optional(),
);

const encryptionKey = optionalString.pipe(
  z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, {
      message: 'must be exactly 32 bytes encoded as base64 (44 characters)',
    })
    .optional(),
);

const providerShape = Object.fromEntries(
  PROVIDER_ENV_PREFIXES.flatMap((p) => [
    [`${p}_CLIENT_ID`, optionalString],
    [`${p}_CLIENT_SECRET`, optionalString],
    [`${p}_AUTHORIZE_URL`, optionalUrl],
    [`${p}_TOKEN_URL`, optionalUrl],
    [`${p}_REVOKE_URL`, optionalUrl],
    [`${p}_API_URL`, optionalUrl],
  ]),
) as Record<string, typeof optionalString>;

const envSchema = z.object({
  SLACK_SIGNING_SECRET: z.string({ message: 'is required' }).trim().min(1, { message: 'is required' }),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(
    z.string().startsWith('xapp-', { message: 'must be an app-level token starting with xapp-' }).optional(),
  ),
  SLACK_API_URL: optionalUrl,
  THREAD_PUBLIC_URL: optionalUrl,
  PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, { message: 'must be a port number such as 3000' })
      .transform(Number)
      .refine((n) => n <= 65535, { message: 'must be between 0 and 65535' })
      .optional(),
  ),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// connection string' })
      .optional(),
  ),
  THREAD_DATA_DIR: optionalString,
  THREAD_ENCRYPTION_KEY: encryptionKey,
  THREAD_PREVIOUS_ENCRYPTION_KEYS: optionalString,
  LOG_LEVEL: optionalString.pipe(
    z.enum(logLevelNames, { message: `must be one of ${logLevelNames.join(', ')}` }).optional(),
  ),
  NODE_ENV: optionalString,
  // The bearer token Prometheus sends to GET /metrics; a short one could be guessed over the network.
  THREAD_METRICS_TOKEN: optionalString.pipe(
    z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  ),
  // The token Notion sends once to /webhooks/notion when a webhook subscription is created; it signs events.
  NOTION_WEBHOOK_VERIFICATION_TOKEN: optionalString.pipe(
    z
      .string()
      .startsWith('secret_', {
        message:
          'must be the verification_token Notion sent to <THREAD_PUBLIC_URL>/webhooks/notion (it starts with secret_)',
      })
      .optional(),
  ),
  ...providerShape,
});

export interface ProviderSettings {
  clientId?: string;
  clientSecret?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  apiUrl?: string;
}

export type SlackMode =
  | { kind: 'single'; botToken: string }
  | { kind: 'multi'; clientId: string; clientSecret: string; stateSecret: string };

export interface Config {
  slack: {
    signingSecret: string;
    mode: SlackMode;
    appToken?: string;
    apiUrl: string;
  };
  publicUrl: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  encryptionKey?: string;
  previousEncryptionKeys: string[];
  logLevel: string;
  pretty: boolean;
  providers: Record<ProviderEnvPrefix, ProviderSettings>;
  /** Verifies Notion's webhook signatures; without it Notion webhooks are refused (polling still runs). */
  notionWebhookToken?: string;
  /** Bearer token for GET /metrics; unset, the route does not exist (404). */
  metricsToken?: string;
}

export const SLACK_API_DEFAULT = 'https://slack.com/api/';

/** Parse the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Every problem in one round: the schema's, and the checks across variables (run on the raw values
  // when the schema failed), so nobody fixes one variable only to be told about the next.
  const parsed = envSchema.safeParse(env);
  const problems: { variable: string; problem: string }[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        problem: issue.message,
      }));
  const e = parsed.success ? parsed.data : rawView(env);

  let mode: SlackMode | undefined;
  if (e.SLACK_BOT_TOKEN) {
    if (!e.SLACK_BOT_TOKEN.startsWith('xoxb-')) {
      problems.push({ variable: 'SLACK_BOT_TOKEN', problem: 'must be a bot token starting with xoxb-' });
    }
    mode = { kind: 'single', botToken: e.SLACK_BOT_TOKEN };
  } else if (e.SLACK_CLIENT_ID || e.SLACK_CLIENT_SECRET || e.SLACK_STATE_SECRET) {
    for (const name of ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const) {
      if (!e[name]) problems.push({ variable: name, problem: 'is required for multi-workspace install' });
    }
    if (e.SLACK_STATE_SECRET && e.SLACK_STATE_SECRET.length < 32) {
      problems.push({ variable: 'SLACK_STATE_SECRET', problem: 'must be at least 32 characters' });
    }
    mode = {
      kind: 'multi',
      clientId: e.SLACK_CLIENT_ID ?? '',
      clientSecret: e.SLACK_CLIENT_SECRET ?? '',
      stateSecret: e.SLACK_STATE_SECRET ?? '',
    };
  } else {
    problems.push({
      variable: 'SLACK_BOT_TOKEN',
      problem:
        'is required for a single workspace (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install into many workspaces)',
    });
  }
  if (e.DATABASE_URL && !e.THREAD_ENCRYPTION_KEY) {
    problems.push({
      variable: 'THREAD_ENCRYPTION_KEY',
      problem: 'is required when DATABASE_URL is set (the embedded database generates one for you)',
    });
  }
  const previous = (e.THREAD_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (previous.some((k) => Buffer.from(k, 'base64').length !== 32)) {
    problems.push({
      variable: 'THREAD_PREVIOUS_ENCRYPTION_KEYS',
      problem: 'every key must be 32 bytes encoded as base64',
    });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(dedupe(problems));

  const port = e.PORT ?? 3000;
  const raw = e as unknown as Record<string, string | undefined>;
  const providers = Object.fromEntries(
    PROVIDER_ENV_PREFIXES.map((p) => [
      p,
      {
        clientId: raw[`${p}_CLIENT_ID`],
        clientSecret: raw[`${p}_CLIENT_SECRET`],
        authorizeUrl: raw[`${p}_AUTHORIZE_URL`],
        tokenUrl: raw[`${p}_TOKEN_URL`],
        revokeUrl: raw[`${p}_REVOKE_URL`],
        apiUrl: raw[`${p}_API_URL`],
      } satisfies ProviderSettings,
    ]),
  ) as Record<ProviderEnvPrefix, ProviderSettings>;

  const config: Config = {
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      mode: mode!,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: withTrailingSlash(e.SLACK_API_URL ?? SLACK_API_DEFAULT),
    },
    publicUrl: (e.THREAD_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    port,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.THREAD_DATA_DIR ?? './.thread',
    encryptionKey: e.THREAD_ENCRYPTION_KEY,
    previousEncryptionKeys: previous,
    logLevel: e.LOG_LEVEL ?? 'info',
    pretty: e.NODE_ENV !== 'production',
    providers,
    notionWebhookToken: e.NOTION_WEBHOOK_VERIFICATION_TOKEN,
    metricsToken: e.THREAD_METRICS_TOKEN,
  };
  // Secrets are known to the log scrubber from the moment they are read.
  for (const secret of configSecrets(config)) rememberSecret(secret);
  return config;
}

/** Every secret in the configuration: Slack's signing secret and tokens, provider client secrets, keys. */
export function configSecrets(config: Config): string[] {
  const { slack } = config;
  return [
    slack.signingSecret,
    slack.appToken,
    ...(slack.mode.kind === 'single'
      ? [slack.mode.botToken]
      : [slack.mode.clientSecret, slack.mode.stateSecret]),
    ...Object.values(config.providers).map((p) => p.clientSecret),
    config.encryptionKey,
    ...config.previousEncryptionKeys,
    config.notionWebhookToken,
    config.metricsToken,
  ].filter((s): s is string => Boolean(s));
}

/** The trimmed strings, for the cross-variable checks when the schema rejected something. */
function rawView(env: NodeJS.ProcessEnv): z.infer<typeof envSchema> {
  const view: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key]?.trim();
    view[key] = v ? v : undefined;
  }
  return view as unknown as z.infer<typeof envSchema>;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function dedupe<T extends { variable: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    if (seen.has(i.variable)) return false;
    seen.add(i.variable);
    return true;
  });
}
