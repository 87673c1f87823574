/**
 * Notion webhook deliveries built the way Notion builds them: an event with ids only, signed with
 * `X-Notion-Signature: sha256=<HMAC of the raw body>` keyed by the verification token
 * (src/providers/notion/webhook.ts cites the docs).
 */
import { randomUUID } from 'node:crypto';
import { notionSignature } from '../../src/providers/notion/webhook.js';

export function notionPageEvent(
  workspaceId: string,
  pageId: string,
  fields: { type?: string; dataSourceId?: string; id?: string } = {},
) {
  return {
    id: fields.id ?? randomUUID(),
    timestamp: new Date().toISOString(),
    workspace_id: workspaceId,
    workspace_name: 'Acme HQ',
    subscription_id: randomUUID(),
    integration_id: randomUUID(),
    type: fields.type ?? 'page.properties_updated',
    authors: [{ id: randomUUID(), type: 'person' }],
    accessible_by: [],
    attempt_number: 1,
    entity: { id: pageId, type: 'page' },
    data: {
      parent: {
        id: fields.dataSourceId ?? randomUUID(),
        type: 'database',
        data_source_id: fields.dataSourceId,
      },
      updated_properties: ['stat'],
    },
  };
}

/** POSTs a body (an object is sent as JSON) to Thread's Notion webhook, signed unless `token` is null. */
export async function postNotion(url: string, body: unknown, token: string | null, signature?: string) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-notion-signature'] = signature;
  else if (token) headers['x-notion-signature'] = notionSignature(token, raw);
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}
