/**
 * HubSpot deals as a source of handoffs, read through the official SDK. HubSpot property values are
 * strings (or null when empty); nothing here trusts them further than that.
 */
import type { DealFacts, DealSource } from '../types.js';
import { hubspotClient } from './client.js';

/** The deal properties read: HubSpot returns only a few by default, so each one used is named. */
const PROPERTIES = ['dealname', 'amount', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'dealstage'];

export const hubspotDeals: DealSource = {
  recordName: 'deal',
  async fetchDeal(ctx, dealId): Promise<DealFacts> {
    const deal = await (await hubspotClient(ctx)).crm.deals.basicApi.getById(dealId, PROPERTIES);
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
  },
};
