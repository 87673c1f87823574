/**
 * Zoom errors → neutral codes. API errors are `{code, message}` (124 "Invalid access token." on 401).
 * Two Zoom answers the shared HTTP mapping cannot read from the status alone:
 * - a token without the endpoint's scope is HTTP **400** with code 4711 ("does not contain scopes");
 * - a dead refresh token is 400 `{reason: 'Invalid Token!', error: 'invalid_request'}`, not invalid_grant.
 */
import { classifyFetchError, HttpError } from '../http-client.js';
import { ProviderError } from '../types.js';

export function classifyZoomError(err: unknown): ProviderError {
  const classified = classifyFetchError(err);
  if (!(err instanceof HttpError) || err.status !== 400) return classified;
  const body = (err.body ?? {}) as { code?: unknown; reason?: unknown };
  if (body.code === 4711) {
    return new ProviderError(
      'permission_denied',
      'The provider refused: missing permission.',
      classified.details,
    );
  }
  if (body.reason === 'Invalid Token!') {
    return new ProviderError('grant_revoked', 'The provider no longer accepts our grant.', {
      ...classified.details,
      providerMessage: 'Invalid Token!',
    });
  }
  return classified;
}
