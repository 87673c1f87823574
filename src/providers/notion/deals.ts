/**
 * Notion rows as a source of handoffs: a row of the team's database read through the SDK
 * (`pages.retrieve`), its properties picked by the names in the team's mapping.
 *
 * Property values per Notion's "Page properties" reference
 * (https://developers.notion.com/reference/page-property-values): title and rich_text are arrays of rich
 * text (their `plain_text` joined), email/url/number are plain values, date is `{ start, end }`, select and
 * status are `{ name }`; formulas hold a string or number. Anything else is read as empty.
 */
import { amountOf, domainOf } from '../deal-fields.js';
import { type DealFacts, type DealSource, type DealSourceOptions, ProviderError } from '../types.js';
import { notionClient } from './client.js';
import { pollNotionRows, readNotionRow } from './poll.js';
import { type NotionProperty, propertyText } from './properties.js';

export async function fetchNotionRow(
  ctx: Parameters<DealSource['fetchDeal']>[0],
  pageId: string,
  options: DealSourceOptions,
): Promise<DealFacts> {
  const notion = options.notion;
  if (!notion) throw new ProviderError('invalid_config', 'No Notion database is set up for handoffs.');
  const page = await (await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl })).pages.retrieve({
    page_id: pageId,
  });
  if (!('properties' in page)) throw new ProviderError('not_found', 'Notion returned only part of the row.');
  if (page.in_trash) throw new ProviderError('not_found', 'The Notion row is in the trash.');
  const properties = page.properties as unknown as Record<string, NotionProperty>;
  const { mapping } = notion;
  const field = (name: string | undefined) => (name ? propertyText(properties[name]) : null);
  // Without a mapping for the name, the row's title is its name (every database has one title property).
  const title = Object.values(properties).find((p) => p.type === 'title');
  return {
    id: page.id,
    name: mapping.name ? field(mapping.name) : propertyText(title),
    amount: amountOf(field(mapping.amount)),
    currency: null,
    closeDate: field(mapping.closeDate)?.slice(0, 10) ?? null,
    ownerId: null,
    aeEmail: field(mapping.aeEmail),
    domain: domainOf(field(mapping.domain)),
    url: page.url,
  };
}

export const notionDeals: DealSource = {
  recordName: 'row',
  fetchDeal: fetchNotionRow,
  poll: pollNotionRows,
  readRecord: readNotionRow,
  sweepsFirst: true,
};
