/**
 * Every string (and key) of a value received from outside — a Slack payload, a webhook body — made into
 * text PostgreSQL can store, in place: U+0000 removed, and a lone UTF-16 surrogate (JSON may carry one as
 * `\ud800`) replaced by U+FFFD, as any UTF-8 encoder does. text and jsonb refuse both, so one such
 * character in a typed name or a webhook field made the write fail: a 500 to the webhook (which the
 * provider then retries), "failed on our side" to a command. Nothing Thread receives needs either.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableString(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = storable(value[i]);
    return value;
  }
  if (isRecord(value)) {
    const record: Record<string, unknown> = value;
    for (const key of Object.keys(record)) {
      const cleaned = storable(record[key]);
      const storableKey = storableString(key);
      if (storableKey !== key) delete record[key];
      record[storableKey] = cleaned;
    }
  }
  return value;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storableString(s: string): string {
  return s.replaceAll('\0', '').replace(LONE_SURROGATE, '\ufffd');
}

/** A parsed JSON object or form (querystring's have no prototype); never a Date, a Buffer or a class. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
