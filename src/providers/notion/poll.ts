/**
 * Notion's trigger: the team's database polled through its data source (Notion-Version 2025-09-03, the
 * SDK's default: `databases.retrieve` names the data sources, `dataSources.query` reads rows), one request
 * per poll.
 *
 * Notion keeps no per-property change times, so a status value is "entered" when Thread has not seen the
 * row with it before. Hence three phases, kept in the cursor:
 *   1. find the database's data source (`databases.retrieve` → `data_sources[0]`);
 *   2. the sweep: every row as it is now, 100 a poll, recorded as seen and never fired — what sits in the
 *      status already is history;
 *   3. changes: rows with `last_edited_time` on or after the cursor, ascending, `start_cursor` paging.
 * Per Notion's reference (https://developers.notion.com/reference/query-a-data-source and
 * https://developers.notion.com/reference/post-database-query-filter#timestamp): `page_size` at most
 * 100; trashed rows are left out unless asked for; `last_edited_time` is rounded to the minute, so each
 * query reaches back `EDIT_TIME_OVERLAP_MS` (the seen-stage table makes re-reads harmless). Rate limit:
 * an average of three requests a second (https://developers.notion.com/reference/request-limits).
 */
import type { PollCursor, PolledRecord, PollInput, PollPage, ProviderApiContext } from '../types.js';
import { ProviderError } from '../types.js';
import { notionClient } from './client.js';
import { type NotionProperty, sameNotionId, statusOf } from './properties.js';

export const NOTION_PAGE_SIZE = 100;
/** last_edited_time has minute precision: reach back two minutes. */
export const EDIT_TIME_OVERLAP_MS = 2 * 60_000;

interface NotionCursor {
  databaseId?: string;
  dataSourceId?: string;
  /** Sweep, or changes within the current window: Notion's `next_cursor`. */
  start?: string;
  /** Changes: rows edited on or after this (less the overlap). */
  since?: string;
}

interface RowLike {
  id: string;
  created_time: string;
  last_edited_time: string;
  in_trash?: boolean;
  archived?: boolean;
  properties: Record<string, NotionProperty>;
}

function toRecord(row: RowLike, statusProperty: string): PolledRecord {
  return {
    externalId: row.id,
    stage: statusOf(row.properties, statusProperty),
    createdAt: row.created_time,
    modifiedAt: row.last_edited_time,
    archived: Boolean(row.in_trash || row.archived),
  };
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export async function pollNotionRows(ctx: ProviderApiContext, input: PollInput): Promise<PollPage> {
  const notion = input.options.notion;
  if (!notion) throw new ProviderError('invalid_config', 'No Notion database is set up for handoffs.');
  const c: NotionCursor = {
    databaseId: str(input.cursor?.databaseId),
    dataSourceId: str(input.cursor?.dataSourceId),
    start: str(input.cursor?.start),
    since: str(input.cursor?.since),
  };
  const client = await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl });

  // Phase 1, and again whenever the team points Thread at another database: start over with a sweep.
  if (!c.dataSourceId || !c.databaseId || !sameNotionId(c.databaseId, notion.databaseId)) {
    const database = await client.databases.retrieve({ database_id: notion.databaseId });
    const source = 'data_sources' in database ? database.data_sources[0] : undefined;
    if (!source)
      throw new ProviderError('not_found', 'That Notion database has no data source Thread can read.');
    return {
      records: [],
      cursor: { databaseId: notion.databaseId, dataSourceId: source.id },
      sweeping: true,
    };
  }
  const base = { databaseId: c.databaseId, dataSourceId: c.dataSourceId };

  if (input.sweeping) {
    const page = await client.dataSources.query({
      data_source_id: c.dataSourceId,
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
      page_size: NOTION_PAGE_SIZE,
      ...(c.start ? { start_cursor: c.start } : {}),
    });
    const records = rows(page.results).map((r) => toRecord(r, notion.statusProperty));
    return page.has_more && page.next_cursor
      ? { records, cursor: { ...base, start: page.next_cursor }, sweeping: true }
      : { records, cursor: { ...base, since: input.baseline }, sweeping: false };
  }

  const since = c.since ?? input.baseline;
  const page = await client.dataSources.query({
    data_source_id: c.dataSourceId,
    filter: {
      timestamp: 'last_edited_time',
      last_edited_time: { on_or_after: new Date(Date.parse(since) - EDIT_TIME_OVERLAP_MS).toISOString() },
    },
    sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
    page_size: NOTION_PAGE_SIZE,
    ...(c.start ? { start_cursor: c.start } : {}),
  });
  const records = rows(page.results).map((r) => toRecord(r, notion.statusProperty));
  if (page.has_more && page.next_cursor) {
    return { records, cursor: { ...base, since, start: page.next_cursor }, sweeping: false };
  }
  const latest = new Date(
    records.reduce((max, r) => Math.max(max, Date.parse(r.modifiedAt)), Date.parse(since)),
  ).toISOString();
  return { records, cursor: { ...base, since: latest } satisfies PollCursor, sweeping: false };
}

/** Full rows only: a query may also list partial objects, which carry no properties. */
function rows(results: readonly object[]): RowLike[] {
  return results.filter((r): r is RowLike => 'properties' in r && 'last_edited_time' in r);
}

/** One row, re-read after a webhook named it; null when it is not a row of the team's database. */
export async function readNotionRow(
  ctx: ProviderApiContext,
  pageId: string,
  input: Pick<PollInput, 'options'>,
): Promise<PolledRecord | null> {
  const notion = input.options.notion;
  if (!notion) return null;
  const client = await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl });
  const page = await client.pages.retrieve({ page_id: pageId });
  if (!('properties' in page)) return null;
  const parent = page.parent;
  const inDatabase =
    (parent.type === 'data_source_id' && sameNotionId(parent.database_id, notion.databaseId)) ||
    (parent.type === 'database_id' && sameNotionId(parent.database_id, notion.databaseId));
  return inDatabase ? toRecord(page as unknown as RowLike, notion.statusProperty) : null;
}
