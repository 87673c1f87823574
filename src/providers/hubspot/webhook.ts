/**
 * HubSpot webhooks, as facts: the v3 request signature and the event batch HubSpot posts, turned into
 * Thread's neutral trigger events. No I/O here; the listener (src/listeners/triggers/hubspot) stores and
 * enqueues.
 *
 * Signature v3, per HubSpot's "Validating requests" guide
 * (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests, section
 * "Validate the v3 request signature"): reject a `X-HubSpot-Request-Timestamp` (milliseconds) older than
 * 5 minutes; HMAC-SHA256 with the app's client secret over the UTF-8 string
 * `method + URI + raw body + timestamp`, base64, compared with `X-HubSpot-Signature-v3`. The URI is the
 * full public URL HubSpot called (scheme, host, path, query). The official SDK's `Signature.isValid`
 * compares with `===`; this uses `timingSafeEqual`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { OwnedField, TriggerEvent } from '../types.js';
import { HUBSPOT_OWNED_PROPERTIES } from './write-back.js';

/** HubSpot's window for request timestamps. */
export const HUBSPOT_SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

export interface HubSpotSignedRequest {
  method: string;
  /** The full URL HubSpot called: Thread's public URL + path and query, never the socket address. */
  uri: string;
  body: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

export function hubspotSignatureV3(
  secret: string,
  r: Pick<HubSpotSignedRequest, 'method' | 'uri' | 'body'> & { timestamp: string },
): string {
  return createHmac('sha256', secret)
    .update(`${r.method.toUpperCase()}${r.uri}`)
    .update(r.body)
    .update(r.timestamp)
    .digest('base64');
}

export function validHubSpotSignature(secret: string, r: HubSpotSignedRequest, now = Date.now()): boolean {
  if (!r.timestamp || !r.signature || !/^\d+$/.test(r.timestamp)) return false;
  // HubSpot says "older than 5 minutes"; a date far ahead is refused too, or it would stay replayable.
  if (Math.abs(now - Number(r.timestamp)) > HUBSPOT_SIGNATURE_WINDOW_MS) return false;
  const expected = Buffer.from(hubspotSignatureV3(secret, { ...r, timestamp: r.timestamp }));
  const given = Buffer.from(r.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** One event of a batch (HubSpot posts up to 100 per request). Fields Thread does not use are dropped. */
const hubspotEvent = z.object({
  eventId: z.union([z.number().int(), z.string().min(1)]),
  portalId: z.number().int().positive(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1),
  objectId: z.union([z.number().int(), z.string().min(1)]),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  attemptNumber: z.number().int().optional(),
});
export const hubspotBatch = z.array(hubspotEvent).min(1).max(1000);
export type HubSpotEvent = z.infer<typeof hubspotEvent>;

/** Thread's own deal properties, by HubSpot name → the neutral field they hold. */
const OWNED_BY_PROPERTY = new Map<string, OwnedField>(
  Object.entries(HUBSPOT_OWNED_PROPERTIES).map(([field, property]) => [property, field as OwnedField]),
);

/**
 * A deal entering a stage, or someone changing one of Thread's own deal properties (the app subscribes
 * to `deal.propertyChange` for `dealstage`, `thread_onboarding_stage` and `thread_csm`); undefined for
 * events Thread has no use for.
 */
export function normalizeHubSpotEvent(e: HubSpotEvent): TriggerEvent | undefined {
  if (e.subscriptionType !== 'deal.propertyChange') return undefined;
  const owned = e.propertyName ? OWNED_BY_PROPERTY.get(e.propertyName) : undefined;
  if (owned) {
    return {
      kind: 'owned_field_changed',
      externalId: String(e.objectId),
      field: owned,
      // A cleared property arrives as an empty value: for the CSM it names no one, and is shown so.
      value: e.propertyValue ?? '',
      occurredAt: new Date(e.occurredAt).toISOString(),
    };
  }
  if (e.propertyName !== 'dealstage' || !e.propertyValue) return undefined;
  return {
    kind: 'deal_stage_changed',
    externalId: String(e.objectId),
    stage: e.propertyValue,
    occurredAt: new Date(e.occurredAt).toISOString(),
  };
}

/**
 * HubSpot's `eventId` is only meaningful within the portal that sent it, so the stored id carries the
 * portal: two portals' events never collide on the (provider, event_id) key.
 */
export function hubspotEventKey(e: HubSpotEvent): string {
  return `${e.portalId}:${e.eventId}`;
}
