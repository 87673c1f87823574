/**
 * The deal behind a HubSpot trigger, read through the official SDK and turned into the facts a handoff
 * needs. HubSpot property values are strings (or null when empty); nothing here trusts them further than
 * that.
 */
import type { Services } from '../../app/services.js';
import { hubspotClient } from '../../providers/hubspot/client.js';
import { activeConnection } from '../connections/find.js';
import { withProvider } from '../connections/tokens.js';
import { StepFailure } from './runs.js';

export interface DealFacts {
  id: string;
  name: string | null;
  amount: string | null;
  currency: string | null;
  /** 'YYYY-MM-DD'. */
  closeDate: string | null;
  ownerId: string | null;
}

/** The deal properties read: HubSpot returns only a few by default, so each one used is named. */
const PROPERTIES = ['dealname', 'amount', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'dealstage'];

export async function fetchHubSpotDeal(
  services: Services,
  teamId: string,
  dealId: string,
): Promise<DealFacts> {
  const connection = await activeConnection(services.db, teamId, 'hubspot');
  // Not connected (disconnected after the event arrived): a retry cannot help until someone reconnects.
  if (!connection) throw new StepFailure('HubSpot is not connected for this workspace.');
  const deal = await withProvider(services, connection, async (ctx) => {
    const client = await hubspotClient(ctx);
    return client.crm.deals.basicApi.getById(dealId, PROPERTIES);
  });
  const p = deal.properties;
  const text = (key: string) => {
    const v = p[key]?.trim();
    return v ? v : null;
  };
  const amount = text('amount');
  return {
    id: deal.id,
    name: text('dealname'),
    // HubSpot's amount is free text in some portals; a value that is no number is a gap, not a crash.
    amount: amount !== null && Number.isFinite(Number(amount)) ? amount : null,
    currency: text('deal_currency_code'),
    closeDate: text('closedate')?.slice(0, 10) ?? null,
    ownerId: text('hubspot_owner_id'),
  };
}
