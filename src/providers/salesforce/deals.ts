/**
 * Salesforce opportunities as a source of handoffs, read with one SOQL query through jsforce.
 *
 * Only fields every org has are asked for: a field the org lacks fails the whole query with
 * INVALID_FIELD (CurrencyIsoCode exists only in multi-currency orgs, so the currency is left unknown).
 * Fields per the Object Reference, Opportunity
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm);
 * Owner and Account come back as nested records, null when the opportunity has none.
 */
import { amountOf, domainOf, textOrNull as text } from '../deal-fields.js';
import { type DealFacts, type DealSource, ProviderError } from '../types.js';
import { salesforceConnection } from './client.js';
import { pollSalesforceOpportunities } from './poll.js';

/** A Salesforce record id: 15 characters, or 18 with the case-safe suffix. Anything else is not one. */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

interface OpportunityRow {
  Id: string;
  Name: string | null;
  Amount: number | null;
  CloseDate: string | null;
  OwnerId: string | null;
  Owner: { Name: string | null; Email: string | null } | null;
  Account: { Name: string | null; Website: string | null } | null;
}

export async function fetchSalesforceOpportunity(
  ctx: Parameters<DealSource['fetchDeal']>[0],
  id: string,
): Promise<DealFacts> {
  // The id goes into SOQL: only a well-formed id ever does (no quoting games).
  if (!SALESFORCE_ID.test(id))
    throw new ProviderError('not_found', 'That is not a Salesforce opportunity id.');
  const conn = await salesforceConnection(ctx);
  const result = await conn.query<OpportunityRow>(
    `SELECT Id, Name, Amount, CloseDate, OwnerId, Owner.Name, Owner.Email, Account.Name, Account.Website FROM Opportunity WHERE Id = '${id}' LIMIT 1`,
  );
  const row = result.records[0];
  if (!row) {
    throw new ProviderError(
      'not_found',
      'Salesforce has no such opportunity, or Thread’s user cannot see it.',
    );
  }
  return {
    id: row.Id,
    name: text(row.Name),
    // Salesforce's currency field is a number; kept as the decimal string it reads as.
    amount: amountOf(row.Amount),
    currency: null,
    closeDate: text(row.CloseDate)?.slice(0, 10) ?? null,
    ownerId: text(row.OwnerId),
    ownerName: text(row.Owner?.Name),
    aeEmail: text(row.Owner?.Email),
    companyName: text(row.Account?.Name),
    domain: domainOf(row.Account?.Website),
    url: `${conn.instanceUrl.replace(/\/+$/, '')}/lightning/r/Opportunity/${row.Id}/view`,
  };
}

export const salesforceDeals: DealSource = {
  recordName: 'opportunity',
  fetchDeal: (ctx, id) => fetchSalesforceOpportunity(ctx, id),
  poll: pollSalesforceOpportunities,
};
