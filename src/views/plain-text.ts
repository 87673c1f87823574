/**
 * Block Kit → readable text, as a person would read it in Slack. Used for the `text` fallback of
 * messages (notifications, screen readers), by `npm run demo`, and by tests that read what users see.
 */
type AnyBlock = Record<string, unknown>;

export interface TextOptions {
  /** Display names by user id: `<@U1>` reads "@Ana" as in Slack (default: "@U1"). */
  names?: Record<string, string>;
}

export function blocksToText(blocks: readonly unknown[], options: TextOptions = {}): string {
  return blocks
    .map((b) => blockToText(b as AnyBlock, options))
    .filter((s) => s.length > 0)
    .join('\n');
}

function blockToText(block: AnyBlock, o: TextOptions): string {
  switch (block.type) {
    case 'header':
      return `# ${textOf(block.text, o)}`;
    case 'divider':
      return '────────────────────────';
    case 'section': {
      const parts = [textOf(block.text, o)];
      const fields = (block.fields as unknown[] | undefined) ?? [];
      if (fields.length) parts.push(fields.map((f) => textOf(f, o)).join('   '));
      if (block.accessory) parts.push(elementToText(block.accessory as AnyBlock, o));
      return parts.filter(Boolean).join('\n');
    }
    case 'context':
      return ((block.elements as unknown[]) ?? []).map((e) => textOf(e, o)).join(' · ');
    case 'actions':
      return ((block.elements as AnyBlock[]) ?? []).map((e) => elementToText(e, o)).join('  ');
    case 'input':
      return `${textOf(block.label, o)}: [${textOf((block.element as AnyBlock)?.placeholder, o) || '…'}]`;
    case 'rich_text':
      return JSON.stringify(block.elements ?? '');
    default:
      return '';
  }
}

function elementToText(el: AnyBlock, o: TextOptions): string {
  if (el.type === 'button') return `[ ${textOf(el.text, o)} ]`;
  if (el.type === 'overflow') return '[ … ]';
  if (el.type === 'image') return `(${String(el.alt_text ?? 'image')})`;
  return textOf(el.text ?? el.placeholder, o);
}

function textOf(t: unknown, o: TextOptions): string {
  if (!t) return '';
  if (typeof t === 'string') return mrkdwnToText(t, o);
  const obj = t as AnyBlock;
  if (typeof obj.text === 'string') return obj.type === 'plain_text' ? obj.text : mrkdwnToText(obj.text, o);
  return '';
}

/** Renders Slack's link, mention and date markup the way the client shows it, then unescapes. */
export function mrkdwnToText(s: string, o: TextOptions = {}): string {
  return s
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, (_m, id: string) => `@${o.names?.[id] ?? id}`)
    .replace(/<#([A-Z0-9]+)(\|([^>]*))?>/g, (_m, id, _p, name) => `#${name ?? id}`)
    .replace(/<!(channel|here|everyone)>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,])/gm, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
