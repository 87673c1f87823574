/**
 * Notion webhooks, as facts: the one-time verification request, the signature on every event, and the
 * event body — of which Thread trusts only ids (the row is re-read through the API before anything counts).
 *
 * Per Notion's webhooks reference (https://developers.notion.com/reference/webhooks):
 * - creating a subscription makes Notion POST `{ "verification_token": "secret_…" }` to the URL; the
 *   integration's owner pastes that token back into Notion's "Verify" dialog to activate it;
 * - every event is then signed: `X-Notion-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with
 *   the verification token>`;
 * - an event is `{ id, timestamp, workspace_id, subscription_id, integration_id, type, entity: { id, type },
 *   data, attempt_number, … }` with types such as `page.created`, `page.properties_updated`,
 *   `page.deleted` (moved to the trash), `page.undeleted`; events carry ids, not values, and Notion retries
 *   a delivery that is not answered 200.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export function notionSignature(token: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
}

export function validNotionSignature(token: string, body: Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(notionSignature(token, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The verification request: the token alone (it is not signed — the integration has no token yet). */
export const notionVerification = z
  .object({ verification_token: z.string().regex(/^secret_[A-Za-z0-9]{20,128}$/) })
  .strict();

export const notionEvent = z.object({
  id: z.string().min(1),
  timestamp: z.string().min(1),
  workspace_id: z.string().min(1),
  type: z.string().min(1),
  entity: z.object({ id: z.string().min(1), type: z.string().min(1) }),
});
export type NotionEvent = z.infer<typeof notionEvent>;

/** Page events after which the row is re-read (a status may have changed, or the row gone to the trash). */
const RECHECKED = new Set(['page.created', 'page.properties_updated', 'page.deleted', 'page.undeleted']);

/** The row to re-read, or undefined for events Thread has no use for (content edits, comments, schema). */
export function rowToRecheck(e: NotionEvent): string | undefined {
  return e.entity.type === 'page' && RECHECKED.has(e.type) ? e.entity.id : undefined;
}
