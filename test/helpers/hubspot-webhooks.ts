/**
 * HubSpot webhook deliveries built the way HubSpot builds them: a batch of events, signed with
 * signature v3 over the public URL HubSpot was given (src/providers/hubspot/webhook.ts cites the docs).
 */
import { hubspotSignatureV3 } from '../../src/providers/hubspot/webhook.js';

let nextEventId = 1000;

export function dealStageEvent(
  portalId: number,
  fields: { dealId?: number; stage?: string; eventId?: number; subscriptionType?: string } = {},
) {
  return {
    eventId: fields.eventId ?? nextEventId++,
    subscriptionId: 2001,
    portalId,
    appId: 3001,
    occurredAt: Date.now(),
    subscriptionType: fields.subscriptionType ?? 'deal.propertyChange',
    attemptNumber: 0,
    objectId: fields.dealId ?? 9001,
    propertyName: 'dealstage',
    propertyValue: fields.stage ?? 'closedwon',
    changeSource: 'CRM_UI',
  };
}

export interface HubSpotPostOptions {
  secret: string;
  /** The URI the signature covers (HubSpot signs the URL it was configured with); default: `url`. */
  signedUri?: string;
  /** Milliseconds since epoch; default now. */
  timestamp?: number;
  /** Override the signature; `null` omits the signature headers. */
  signature?: string | null;
}

/** POSTs `body` (a batch, or raw text) to `url` with HubSpot's v3 headers. */
export async function postHubSpot(url: string, body: unknown, o: HubSpotPostOptions) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(o.timestamp ?? Date.now());
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature =
    o.signature === undefined
      ? hubspotSignatureV3(o.secret, {
          method: 'POST',
          uri: o.signedUri ?? url,
          body: Buffer.from(raw),
          timestamp,
        })
      : o.signature;
  if (signature !== null) {
    headers['x-hubspot-signature-v3'] = signature;
    headers['x-hubspot-request-timestamp'] = timestamp;
  }
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}
