/**
 * HubSpot's webhook (`deal.propertyChange` on `dealstage`, and on Thread's own `thread_onboarding_stage`
 * and `thread_csm`, which the account follows — see domain/workflows/follow-crm): verify the v3 signature, validate the batch,
 * route each event to the team that connected its portal, store the new ones (a retried delivery adds
 * nothing) and queue one `trigger-event` job per new event. The answer goes out as soon as the rows are
 * stored: HubSpot retries anything slower than a few seconds.
 */
import type { Services } from '../../../app/services.js';
import {
  forgetTriggerEvents,
  type IncomingTriggerEvent,
  recordTriggerEvents,
  teamsForAccounts,
} from '../../../domain/triggers/events.js';
import { storable } from '../../../lib/storable.js';
import {
  hubspotBatch,
  hubspotEventKey,
  normalizeHubSpotEvent,
  validHubSpotSignature,
} from '../../../providers/hubspot/webhook.js';
import type { WebhookHandler } from '../webhook-route.js';

/** Portals already logged as unknown by this process: a portal that keeps sending is logged once. */
const unknownPortalsLogged = new Set<string>();
/** Bounds that memory: past it the set starts over (a few repeated lines beat unbounded growth). */
const MAX_REMEMBERED_PORTALS = 10_000;
let missingSecretLogged = false;

export const hubspotWebhook: WebhookHandler = {
  provider: 'hubspot',
  async handle(services, request) {
    const secret = services.config.providers.HUBSPOT.clientSecret;
    if (!secret && !missingSecretLogged) {
      missingSecretLogged = true;
      services.logger.warn(
        'a HubSpot webhook arrived but HUBSPOT_CLIENT_SECRET is not set: refusing every one',
      );
    }
    if (
      !secret ||
      !validHubSpotSignature(secret, {
        method: request.method,
        uri: request.publicUri,
        body: request.body,
        timestamp: request.header('x-hubspot-request-timestamp'),
        signature: request.header('x-hubspot-signature-v3'),
      })
    ) {
      return { status: 401 };
    }
    let parsed: ReturnType<typeof hubspotBatch.safeParse>;
    try {
      parsed = hubspotBatch.safeParse(storable(JSON.parse(request.body.toString('utf8'))));
    } catch {
      return { status: 400, text: 'Bad request: the body is not JSON.\n' };
    }
    if (!parsed.success) return { status: 400, text: 'Bad request: not a HubSpot webhook batch.\n' };

    const portals = [...new Set(parsed.data.map((e) => String(e.portalId)))];
    const teams = await teamsForAccounts(services, 'hubspot', portals);
    for (const portal of portals) {
      if (teams.has(portal) || unknownPortalsLogged.has(portal)) continue;
      if (unknownPortalsLogged.size >= MAX_REMEMBERED_PORTALS) unknownPortalsLogged.clear();
      unknownPortalsLogged.add(portal);
      services.logger.warn({ portal }, 'HubSpot webhook for a portal no team has connected; ignored');
    }
    const incoming: IncomingTriggerEvent[] = [];
    for (const e of parsed.data) {
      const teamId = teams.get(String(e.portalId));
      const event = normalizeHubSpotEvent(e);
      if (teamId && event) incoming.push({ teamId, provider: 'hubspot', eventId: hubspotEventKey(e), event });
    }
    await enqueue(services, await recordTriggerEvents(services, incoming));
    return { status: 200 };
  },
};

/** One job per new event, queued in one statement; if the queue refuses, the rows go too and the 500 makes HubSpot retry. */
async function enqueue(services: Services, ids: string[]): Promise<void> {
  try {
    await services.jobs.sendMany(
      'trigger-event',
      ids.map((id) => ({ data: { id } })),
    );
  } catch (err) {
    await forgetTriggerEvents(services, ids);
    throw err;
  }
}
