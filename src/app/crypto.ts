/**
 * The sealing envelope: AES-256-GCM with a fresh 96-bit IV per message and the key id inside, so keys
 * rotate (old keys stay readable while listed in THREAD_PREVIOUS_ENCRYPTION_KEYS; `TokenVault.rotate()`
 * re-seals everything under the current key).
 *
 * Format: `tv1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is the first 8 bytes of
 * SHA-256 over the key: stable, not secret, and it tells a wrong key from a tampered message.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'tv1';
const AAD = Buffer.from('thread.vault.v1');

export class SealError extends Error {
  override name = 'SealError';
}

export interface Keyring {
  currentKid: string;
  seal(plaintext: string): string;
  open(sealed: string): string;
  kidOf(sealed: string): string;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
}

export function createKeyring(currentKeyBase64: string, previousKeysBase64: string[] = []): Keyring {
  const current = decodeKey(currentKeyBase64);
  const keys = new Map<string, Buffer>();
  for (const k of [currentKeyBase64, ...previousKeysBase64]) {
    const key = decodeKey(k);
    keys.set(keyId(key), key);
  }
  const currentKid = keyId(current);

  return {
    currentKid,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(AAD);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, currentKid, b64(iv), b64(tag), b64(ct)].join('.');
    },
    open(sealed) {
      const [version, kid, iv, tag, ct] = sealed.split('.');
      if (version !== VERSION || !kid || !iv || !tag || ct === undefined) {
        throw new SealError(
          'The stored secret is not a Thread envelope (corrupted or written by something else).',
        );
      }
      const key = keys.get(kid);
      if (!key) {
        throw new SealError(
          `The stored secret was sealed with key ${kid}, which is not configured. Set THREAD_ENCRYPTION_KEY ` +
            '(or THREAD_PREVIOUS_ENCRYPTION_KEYS while rotating) to the key that sealed it.',
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(AAD);
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SealError(`The stored secret failed authentication under key ${kid}: it was altered.`);
      }
    },
    kidOf(sealed) {
      return sealed.split('.')[1] ?? '';
    },
  };
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new SealError('An encryption key must be 32 bytes (base64 encoded).');
  return key;
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}
