/**
 * Block Kit → readable text, as a person would read it in Slack. Used for the `text` fallback of
 * messages (notifications, screen readers), by `npm run demo`, and by tests that read what users see.
 */
type AnyBlock = Record<string, unknown>;

export function blocksToText(blocks: readonly unknown[]): string {
  return blocks
    .map((b) => blockToText(b as AnyBlock))
    .filter((s) => s.length > 0)
    .join('\n');
}

function blockToText(block: AnyBlock): string {
  switch (block.type) {
    case 'header':
      return `# ${textOf(block.text)}`;
    case 'divider':
      return '────────────────────────';
    case 'section': {
      const parts = [textOf(block.text)];
      const fields = (block.fields as unknown[] | undefined) ?? [];
      if (fields.length) parts.push(fields.map(textOf).join('   '));
      if (block.accessory) parts.push(elementToText(block.accessory as AnyBlock));
      return parts.filter(Boolean).join('\n');
    }
    case 'context':
      return ((block.elements as unknown[]) ?? []).map((e) => textOf(e)).join(' · ');
    case 'actions':
      return ((block.elements as AnyBlock[]) ?? []).map(elementToText).join('  ');
    case 'input':
      return `${textOf(block.label)}: [${textOf((block.element as AnyBlock)?.placeholder) || '…'}]`;
    case 'rich_text':
      return JSON.stringify(block.elements ?? '');
    default:
      return '';
  }
}

function elementToText(el: AnyBlock): string {
  if (el.type === 'button') return `[ ${textOf(el.text)} ]`;
  if (el.type === 'overflow') return '[ … ]';
  if (el.type === 'image') return `(${String(el.alt_text ?? 'image')})`;
  return textOf(el.text ?? el.placeholder);
}

function textOf(t: unknown): string {
  if (!t) return '';
  if (typeof t === 'string') return mrkdwnToText(t);
  const obj = t as AnyBlock;
  if (typeof obj.text === 'string') return obj.type === 'plain_text' ? obj.text : mrkdwnToText(obj.text);
  return '';
}

/** Renders Slack's link, mention and date markup the way the client shows it, then unescapes. */
export function mrkdwnToText(s: string): string {
  return s
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
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
