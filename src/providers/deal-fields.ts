/** Turning what a source holds into DealFacts' shapes: shared by every provider's deal read. */

/** 'https://www.acme.com/about', 'acme.com' or 'www.Acme.com' → 'acme.com'; anything that is no host → null. */
export function domainOf(website: string | null | undefined): string | null {
  const raw = website?.trim();
  if (!raw) return null;
  try {
    const host = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`).hostname.toLowerCase();
    return host.includes('.') ? host.replace(/^www\./, '') : null;
  } catch {
    return null;
  }
}

/** Trimmed text, or null when empty. */
export function textOrNull(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}

/** A finite number as the decimal string DealFacts keeps amounts in; anything else → null. */
export function amountOf(v: number | string | null | undefined): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  const t = v?.trim().replace(/[,\s]/g, '');
  return t && Number.isFinite(Number(t)) ? t : null;
}
