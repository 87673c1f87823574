/**
 * HubSpot's polling fallback: deals modified since the cursor, through CRM search
 * (`POST /crm/v3/objects/deals/search`, SDK `crm.deals.searchApi.doSearch`), one request per poll.
 *
 * Per HubSpot's search guide (https://developers.hubspot.com/docs/api-reference/search/guide):
 * - filters on `hs_lastmodifieddate` (GTE, epoch milliseconds), sorted ascending, `limit` at most 200,
 *   `after` to page;
 * - a query pages through at most 10,000 results (asking past it is a 400): before that, the window
 *   restarts from the last modified time seen;
 * - search has its own rate limit (a few requests per second per account), one reason to ask once a poll;
 * - newly changed objects take a few seconds to reach the search index, so each query reaches back
 *   `INDEX_LAG_MS` before the cursor: records read twice are told apart by the seen-stage table.
 * The stage-entry time is `hs_v2_date_entered_<stage id>` (HubSpot's current stage-history property);
 * older portals may still fill only `hs_date_entered_<stage id>`, so both are asked for.
 */
import type { PollCursor, PolledRecord, PollInput, PollPage, ProviderApiContext } from '../types.js';
import { hubspotClient } from './client.js';

/** Results per request: HubSpot's maximum for search. */
export const HUBSPOT_SEARCH_LIMIT = 200;
/** HubSpot's cap on how far one search query may page. */
export const HUBSPOT_SEARCH_CAP = 10_000;
/** How far each query reaches back for changes not yet indexed when the previous poll ran. */
export const INDEX_LAG_MS = 30_000;

interface HubSpotCursor {
  /** Epoch ms: changes at or after this (less the index lag) are read. */
  since: number;
  /** HubSpot's paging token within the current window. */
  after?: string;
}

function parseCursor(cursor: PollCursor | null, baseline: string): HubSpotCursor {
  const since = Number(cursor?.since);
  const after = cursor?.after;
  return {
    since: Number.isFinite(since) && since > 0 ? since : Date.parse(baseline),
    ...(typeof after === 'string' && after ? { after } : {}),
  };
}

export async function pollHubSpotDeals(ctx: ProviderApiContext, input: PollInput): Promise<PollPage> {
  const cursor = parseCursor(input.cursor, input.baseline);
  const entered = [`hs_v2_date_entered_${input.stage}`, `hs_date_entered_${input.stage}`];
  const client = await hubspotClient(ctx);
  const page = await client.crm.deals.searchApi.doSearch({
    filterGroups: [
      {
        filters: [
          {
            propertyName: 'hs_lastmodifieddate',
            operator: 'GTE' as never,
            value: String(cursor.since - INDEX_LAG_MS),
          },
        ],
      },
    ],
    // The SDK types `sorts` as strings; HubSpot's documented form is this object, which the SDK's
    // serializer passes through unchanged.
    sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' } as never],
    properties: ['dealstage', 'pipeline', 'createdate', 'hs_lastmodifieddate', ...entered],
    limit: HUBSPOT_SEARCH_LIMIT,
    ...(cursor.after ? { after: cursor.after } : {}),
  });

  const records: PolledRecord[] = page.results.map((deal) => {
    const p = deal.properties;
    const modified = p.hs_lastmodifieddate ?? deal.updatedAt?.toISOString?.() ?? new Date().toISOString();
    return {
      externalId: deal.id,
      stage: p.dealstage || null,
      stageEnteredAt: (p[entered[0]!] || p[entered[1]!]) ?? null,
      createdAt: p.createdate ?? null,
      modifiedAt: new Date(modified).toISOString(),
      archived: Boolean(deal.archived),
    };
  });
  const latest = records.reduce((max, r) => Math.max(max, Date.parse(r.modifiedAt)), cursor.since);
  const next = page.paging?.next?.after;
  if (next && Number(next) + HUBSPOT_SEARCH_LIMIT <= HUBSPOT_SEARCH_CAP) {
    // More in this window: the same query, the next page.
    return { records, cursor: { since: cursor.since, after: next } };
  }
  // Window done (or about to pass the 10,000 cap): the next window starts at the latest change seen.
  return { records, cursor: { since: latest } };
}
