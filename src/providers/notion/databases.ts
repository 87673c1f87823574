/**
 * Notion databases for the workflow settings modal, listed live: the data sources shared with Thread
 * (`search` filtered to `data_source`: https://developers.notion.com/reference/post-search) and one data
 * source's properties with their status/select options (`dataSources.retrieve`:
 * https://developers.notion.com/reference/retrieve-a-data-source).
 */
import type { CatalogOption, SettingsCatalog } from '../types.js';
import { notionClient } from './client.js';

/** One search page: a modal lists at most 100 choices anyway. */
const PAGE_SIZE = 100;

type Property = { name: string; type: string } & Record<string, { options?: { id: string; name: string }[] }>;

export const notionCatalog: SettingsCatalog = {
  async databases(ctx) {
    const found = await (await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl })).search({
      filter: { property: 'object', value: 'data_source' },
      page_size: PAGE_SIZE,
    });
    return found.results.flatMap((r): CatalogOption[] => {
      if (r.object !== 'data_source' || !('title' in r)) return [];
      const title = r.title
        .map((t) => t.plain_text)
        .join('')
        .trim();
      return [{ id: r.id, label: title || 'Untitled database' }];
    });
  },

  async properties(ctx, databaseId) {
    const source = await (
      await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl })
    ).dataSources.retrieve({ data_source_id: databaseId });
    return Object.values(source.properties as unknown as Record<string, Property>).map((p) => ({
      id: p.name,
      label: p.name,
      type: p.type,
      options: (p[p.type]?.options ?? []).map((o) => ({ id: o.name, label: o.name })),
    }));
  },
};
