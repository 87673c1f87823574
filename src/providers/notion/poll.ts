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
 *
 * Two-way: each row is read with the properties the team mapped to Thread's onboarding stage and CSM (as
 * text: a status, select, text or email), so a change made to them in Notion is followed. Because
 * `last_edited_time` is rounded down to the minute, a row edited in the same minute as Thread's own write
 * to it reads as older than that write, and that change is not followed (see the README).
 */
import type {
  DealSourceOptions,
  OwnedField,
  PollCursor,
  PolledRecord,
  PollInput,
  PollPage,
  ProviderApiContext,
} from '../types.js';
import { ProviderError } from '../types.js';
import { notionClient } from './client.js';
import { type NotionProperty, propertyText, sameNotionId, statusOf } from './properties.js';

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

/** The property types Thread writes its fields to (notion/write-back.ts), read back as text. */
const OWNED_TYPES: Record<OwnedField, readonly string[]> = {
  onboarding_stage: ['status', 'select', 'rich_text'],
  csm: ['rich_text', 'email'],
};

function toRecord(row: RowLike, options: DealSourceOptions): PolledRecord {
  const mapped = options.owned?.notion;
  const owned: Partial<Record<OwnedField, string>> = {};
  for (const [field, name] of [
    ['onboarding_stage', mapped?.stageProperty],
    ['csm', mapped?.csmProperty],
  ] as const) {
    const p = name ? row.properties[name] : undefined;
    if (p && OWNED_TYPES[field].includes(p.type)) owned[field] = propertyText(p) ?? '';
  }
  return {
    externalId: row.id,
    stage: statusOf(row.properties, options.notion?.statusProperty ?? ''),
    createdAt: row.created_time,
    modifiedAt: row.last_edited_time,
    archived: Boolean(row.in_trash || row.archived),
    ...(Object.keys(owned).length ? { owned } : {}),
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
    const dataSourceId = await findDataSource(client, notion.databaseId);
    if (!dataSourceId)
      throw new ProviderError('not_found', 'That Notion database has no data source Thread can read.');
    return {
      records: [],
      cursor: { databaseId: notion.databaseId, dataSourceId },
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
    const records = rows(page.results).map((r) => toRecord(r, input.options));
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
  const records = rows(page.results).map((r) => toRecord(r, input.options));
  if (page.has_more && page.next_cursor) {
    return { records, cursor: { ...base, since, start: page.next_cursor }, sweeping: false };
  }
  const latest = new Date(
    records.reduce((max, r) => Math.max(max, Date.parse(r.modifiedAt)), Date.parse(since)),
  ).toISOString();
  return { records, cursor: { ...base, since: latest } satisfies PollCursor, sweeping: false };
}

/**
 * The data source to read. The id set for the team is a database's when copied from its URL, and a data
 * source's when picked in the settings modal (which lists data sources, as the write-back addresses
 * them): Notion answers object_not_found for the one asked as the other, so the second is tried then.
 */
async function findDataSource(
  client: Awaited<ReturnType<typeof notionClient>>,
  id: string,
): Promise<string | undefined> {
  try {
    const database = await client.databases.retrieve({ database_id: id });
    return 'data_sources' in database ? database.data_sources[0]?.id : undefined;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'object_not_found') throw err;
    return (await client.dataSources.retrieve({ data_source_id: id })).id;
  }
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
    (parent.type === 'data_source_id' &&
      (sameNotionId(parent.database_id, notion.databaseId) ||
        sameNotionId(parent.data_source_id, notion.databaseId))) ||
    (parent.type === 'database_id' && sameNotionId(parent.database_id, notion.databaseId));
  return inDatabase ? toRecord(page as unknown as RowLike, input.options) : null;
}
