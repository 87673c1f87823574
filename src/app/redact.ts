/**
 * Scrubbing of secrets from anything that may be logged or shown.
 *
 * Path-based redaction (pino's `redact`) misses what matters most: SDK errors carry the request that
 * failed — headers with `Authorization: Bearer …`, form bodies with `refresh_token=…`, URLs with
 * `?code=…` — nested at depths nobody predicts. So we walk the whole value: sensitive keys are masked
 * wherever they are, and strings are scanned for token-shaped content.
 */

export const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client_secret|clientsecret|access_token|accesstoken|refresh_token|refreshtoken|id_token|idtoken|token|tokens|bot_token|bottoken|user_token|app_token|code|state|code_verifier|codeverifier|assertion|api_key|apikey|x-api-key|private_key|encryption_key|signing_secret|signingsecret|state_secret|statesecret|sealed|ciphertext|decrypted_secret|new_secret)$/i;

const TOKEN_PATTERNS: [RegExp, string][] = [
  // "Bearer abc", "Basic abc"
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  // Slack tokens
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]+/g, REDACTED],
  // key=value in query strings and form bodies, key: value / "key":"value" in JSON-ish text
  [
    /\b(access_token|refresh_token|id_token|client_secret|code_verifier|code|state|token|assertion|password)=([^&\s"'\\]+)/gi,
    `$1=${REDACTED}`,
  ],
  [
    /("?(?:access_token|refresh_token|id_token|client_secret|code_verifier|accessToken|refreshToken|token|password)"?\s*:\s*)"[^"]*"/gi,
    `$1"${REDACTED}"`,
  ],
  // An OAuth state in JSON-ish text: a long random value (a short one is a word such as "connected").
  [/("?state\\?"?\s*:\s*\\?")[\w.~-]{20,}/gi, `$1${REDACTED}`],
];

/** Known secret values (tokens we issued or received this process): masked verbatim wherever they occur. */
const knownSecrets = new Set<string>();

/** Register a secret value so any later appearance in a log line is masked. Short values are ignored. */
export function rememberSecret(value: string | undefined | null): void {
  if (!value || value.length < 8) return;
  // Re-adding moves a secret to the end, so the ones in use are the last to be forgotten.
  knownSecrets.delete(value);
  knownSecrets.add(value);
  // Bound the set: a long-running process sees many tokens; the patterns above still catch the rest.
  if (knownSecrets.size > 5000) {
    const first = knownSecrets.values().next().value;
    if (first !== undefined) knownSecrets.delete(first);
  }
}

/** Keys whose string values are secrets inside a stored JSON value (a token set, a Slack installation). */
const SECRET_FIELD = /token|secret|password|assertion|verifier/i;
/** …except these, which only describe a token. */
const NOT_SECRET_FIELD = /(type|at|expires|expires_?in|expiry)$/i;

/**
 * Registers the secrets in a value read from storage or received from a provider. A JSON value (a token
 * set, a Slack installation) or an object (a token response) is registered field by field — a provider
 * that echoes a token in an error message echoes one token, never the whole set.
 */
export function rememberSecretsIn(value: unknown): void {
  if (typeof value === 'string') {
    rememberSecret(value);
    if (!/^\s*\{/.test(value)) return;
    try {
      rememberSecretFields(JSON.parse(value) as unknown);
    } catch {
      /* not JSON: registered whole above */
    }
    return;
  }
  rememberSecretFields(value);
}

function rememberSecretFields(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 6) return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') {
      if (SECRET_FIELD.test(key) && !NOT_SECRET_FIELD.test(key)) rememberSecret(v);
    } else {
      rememberSecretFields(v, depth + 1);
    }
  }
}

/** Forgets every registered secret: what a fresh process knows. Tests use it to play a restart. */
export function forgetSecrets(): void {
  knownSecrets.clear();
}

export function scrubString(input: string): string {
  let out = input;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of `value` with secrets masked. Handles cycles, Errors (own + non-enumerable props), Buffers. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth limit]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof URL) return scrubString(value.toString());
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1, seen));
  if (value instanceof Map) return scrub(Object.fromEntries(value), depth, seen);
  // Header containers (fetch Headers, gaxios) expose entries(); turn them into plain objects first.
  if (typeof (value as { entries?: unknown }).entries === 'function' && !(value instanceof Set)) {
    try {
      return scrub(Object.fromEntries((value as Headers).entries()), depth, seen);
    } catch {
      /* not a header container after all */
    }
  }
  const out: Record<string, unknown> = {};
  const keys = value instanceof Error ? errorKeys(value) : Object.keys(value);
  for (const key of keys) {
    // Sockets, agents and streams inside SDK errors are noise, and can hold buffers with secrets.
    if (key === 'socket' || key === 'agent' || key === '_httpMessage' || key === 'client') continue;
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (typeof v === 'function') continue;
    out[key] = isSensitive(key, v) ? REDACTED : scrub(v, depth + 1, seen);
  }
  if (value instanceof Error && !out.type) out.type = value.name;
  return out;
}

function isSensitive(key: string, v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (!SENSITIVE_KEY.test(key)) return false;
  // `code` is an OAuth authorization code in a callback, but an error identifier (ECONNREFUSED,
  // invalid_grant) or an HTTP status everywhere else; only the former is secret.
  if (key.toLowerCase() === 'code') return typeof v === 'string' && !/^[A-Za-z_.-]{1,60}$/.test(v);
  // `state` is an OAuth state (a 10-minute credential) when it is a long random string, and a word
  // ("connected", "error") everywhere else.
  if (key.toLowerCase() === 'state') return typeof v === 'string' && /^[\w.~-]{20,}$/.test(v);
  return true;
}

function errorKeys(err: Error): string[] {
  const keys = new Set(['name', 'message', 'stack', ...Object.keys(err)]);
  if ('cause' in err) keys.add('cause');
  if ('code' in err) keys.add('code');
  return [...keys];
}
