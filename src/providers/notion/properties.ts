/**
 * Notion property values, read loosely: only what Thread uses. Per Notion's "Page properties" reference
 * (https://developers.notion.com/reference/page-property-values): title and rich_text are arrays of rich
 * text (their `plain_text` joined), email/url/number are plain values, date is `{ start, end }`, select
 * and status are `{ name }`; formulas hold a string or a number. Anything else reads as empty.
 */
import { textOrNull } from '../deal-fields.js';

/** One property value as Notion returns it, loosely: only the fields read here. */
export interface NotionProperty {
  type: string;
  title?: { plain_text: string }[];
  rich_text?: { plain_text: string }[];
  email?: string | null;
  url?: string | null;
  phone_number?: string | null;
  number?: number | null;
  date?: { start: string } | null;
  select?: { name: string } | null;
  status?: { name: string } | null;
  formula?: { type: string; string?: string | null; number?: number | null };
}

/** A property as text ('' → null); numbers as written. */
export function propertyText(p: NotionProperty | undefined): string | null {
  if (!p) return null;
  switch (p.type) {
    case 'title':
      return textOrNull(p.title?.map((t) => t.plain_text).join(''));
    case 'rich_text':
      return textOrNull(p.rich_text?.map((t) => t.plain_text).join(''));
    case 'email':
      return textOrNull(p.email);
    case 'url':
      return textOrNull(p.url);
    case 'phone_number':
      return textOrNull(p.phone_number);
    case 'number':
      return typeof p.number === 'number' ? String(p.number) : null;
    case 'date':
      return textOrNull(p.date?.start);
    case 'select':
      return textOrNull(p.select?.name);
    case 'status':
      return textOrNull(p.status?.name);
    case 'formula':
      return p.formula?.type === 'number'
        ? typeof p.formula.number === 'number'
          ? String(p.formula.number)
          : null
        : textOrNull(p.formula?.string);
    default:
      return null;
  }
}

/** The status value of a row: the named property when it is a status or a select, else none. */
export function statusOf(properties: Record<string, NotionProperty>, name: string): string | null {
  const p = properties[name];
  return p && (p.type === 'status' || p.type === 'select') ? propertyText(p) : null;
}

/** Notion ids are UUIDs, with or without dashes (URLs drop them): compared without. */
export const sameNotionId = (a: string, b: string) =>
  a.replaceAll('-', '').toLowerCase() === b.replaceAll('-', '').toLowerCase();
