/**
 * The one shape every benchmark part reports in, and the one table `npm run bench` prints from them: each
 * Thread figure next to a baseline measured in the same run (or null where the only yardstick is a goal).
 */

export interface Figure {
  value: number;
  unit: string;
}

export interface Row {
  /** The part that measured it (`npm run bench -- <part>`). */
  part: string;
  what: string;
  baseline: (Figure & { label: string }) | null;
  /** null: not measured in this run; `notes` says why. */
  thread: Figure | null;
  /** Thread ÷ baseline, when both are in the same unit. */
  ratio?: number;
  goal?: string;
  /** Whether the goal was met; left out when it was not judged (no goal, or a smoke run's tiny sizes). */
  ok?: boolean;
  notes?: string;
}

export function row(
  part: string,
  what: string,
  thread: Figure | null,
  baseline: Row['baseline'],
  extra: { goal?: string; ok?: boolean; notes?: string } = {},
): Row {
  const ratio =
    thread && baseline && baseline.unit === thread.unit && baseline.value > 0
      ? thread.value / baseline.value
      : undefined;
  return { part, what, baseline, thread, ...(ratio === undefined ? {} : { ratio }), ...extra };
}

/** Counts as integers, small figures with two decimals, large ones grouped: 0.84 ms, 93.2 ms, 2,604 ms. */
export function formatFigure(f: Figure): string {
  const digits = Number.isInteger(f.value)
    ? 0
    : Math.abs(f.value) < 10
      ? 2
      : Math.abs(f.value) < 1000
        ? 1
        : 0;
  const n = f.value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n} ${f.unit}`;
}

function cells(r: Row): string[] {
  const verdict = r.ok === undefined ? '' : r.ok ? ' ✓' : ' ✗';
  return [
    r.what,
    r.baseline ? `${r.baseline.label} ${formatFigure(r.baseline)}` : '—',
    r.thread ? formatFigure(r.thread) : 'skipped',
    r.ratio === undefined ? '' : `×${r.ratio.toFixed(2)}`,
    r.goal ? `${r.goal}${verdict}` : '',
  ];
}

/** The aligned table, then each row's notes under it. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['what', 'baseline (same run)', 'Thread', 'ratio', 'goal'];
  const body = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  ')];
  let part = rows[0]?.part;
  for (const [i, r] of rows.entries()) {
    // A blank line between parts: the table reads as groups.
    if (r.part !== part) out.push('');
    part = r.part;
    out.push(line(body[i]!));
  }
  const notes = rows.filter((r) => r.notes);
  if (notes.length) {
    out.push('', 'Notes:');
    for (const r of notes) out.push(`  ${r.what}: ${r.notes}`);
  }
  return out.join('\n');
}
