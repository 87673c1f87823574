/**
 * HubSpot deals as a source of handoffs, read through the official SDK. HubSpot property values are
 * strings (or null when empty); nothing here trusts them further than that.
 *
 * Besides the deal itself: its owner (the AE: name and email), its first associated company (name,
 * domain) and up to a handful of its associated contacts — each read only when the deal points to one.
 * developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide (`GET /crm/v3/owners/{ownerId}`,
 * scope crm.objects.owners.read); docs/api/crm/deals ("associations" query parameter on a deal read:
 * the associated ids per object type); docs/api/crm/contacts ("Retrieve contacts in batch":
 * `POST /crm/v3/objects/contacts/batch/read`).
 */
import type { Client } from '@hubspot/api-client';
import type { DealFacts, DealSource } from '../types.js';
import { hubspotClient } from './client.js';

/** The deal properties read: HubSpot returns only a few by default, so each one used is named. */
const PROPERTIES = [
  'dealname',
  'amount',
  'deal_currency_code',
  'closedate',
  'hubspot_owner_id',
  'dealstage',
  'description',
];
/** Stakeholders in a handoff: the first few contacts on the deal are enough to start from. */
const MAX_CONTACTS = 10;

type Props = Record<string, string | null | undefined>;

function textOf(p: Props, key: string): string | null {
  const v = p[key]?.trim();
  return v ? v : null;
}

export const hubspotDeals: DealSource = {
  recordName: 'deal',
  async fetchDeal(ctx, dealId): Promise<DealFacts> {
    const client = await hubspotClient(ctx);
    const deal = await client.crm.deals.basicApi.getById(dealId, PROPERTIES, undefined, [
      'companies',
      'contacts',
    ]);
    const p = deal.properties;
    const amount = textOf(p, 'amount');
    const ownerId = textOf(p, 'hubspot_owner_id');
    const ids = (kind: string) => (deal.associations?.[kind]?.results ?? []).map((r) => r.id);
    const [owner, company, contacts] = await Promise.all([
      readOwner(client, ownerId),
      readCompany(client, ids('companies')[0]),
      readContacts(client, [...new Set(ids('contacts'))].slice(0, MAX_CONTACTS)),
    ]);
    return {
      id: deal.id,
      name: textOf(p, 'dealname'),
      // HubSpot's amount is free text in some portals; a value that is no number is a gap, not a crash.
      amount: amount !== null && Number.isFinite(Number(amount)) ? amount : null,
      currency: textOf(p, 'deal_currency_code'),
      closeDate: textOf(p, 'closedate')?.slice(0, 10) ?? null,
      ownerId,
      ownerName: owner?.name ?? null,
      aeEmail: owner?.email ?? null,
      companyName: company?.name ?? null,
      domain: company?.domain ?? null,
      contacts,
      notes: textOf(p, 'description'),
    };
  },
};

/** A 404 (an owner deactivated since, a company or contact deleted) is a gap in the handoff, not a failure. */
function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 404;
}

async function readOwner(
  client: Client,
  ownerId: string | null,
): Promise<{ name: string | null; email: string | null } | null> {
  if (!ownerId || !/^\d+$/.test(ownerId)) return null;
  try {
    const owner = await client.crm.owners.ownersApi.getById(Number(ownerId), 'id', false);
    const name = [owner.firstName, owner.lastName]
      .map((s) => s?.trim())
      .filter(Boolean)
      .join(' ');
    return { name: name || null, email: owner.email?.trim() || null };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function readCompany(
  client: Client,
  companyId: string | undefined,
): Promise<{ name: string | null; domain: string | null } | null> {
  if (!companyId) return null;
  try {
    const company = await client.crm.companies.basicApi.getById(companyId, ['name', 'domain']);
    return { name: textOf(company.properties, 'name'), domain: textOf(company.properties, 'domain') };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function readContacts(client: Client, ids: string[]): Promise<NonNullable<DealFacts['contacts']>> {
  if (!ids.length) return [];
  const batch = await client.crm.contacts.batchApi.read({
    inputs: ids.map((id) => ({ id })),
    properties: ['firstname', 'lastname', 'email', 'jobtitle'],
    propertiesWithHistory: [],
  });
  return batch.results.map((c) => {
    const name = [textOf(c.properties, 'firstname'), textOf(c.properties, 'lastname')]
      .filter(Boolean)
      .join(' ');
    return {
      name: name || null,
      email: textOf(c.properties, 'email'),
      title: textOf(c.properties, 'jobtitle'),
    };
  });
}
