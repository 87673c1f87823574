/** PKCE (RFC 7636) S256: the challenge sent with the authorize request is SHA-256 of the verifier. */
import { createHash } from 'node:crypto';

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
