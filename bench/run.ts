/**
 * `npm run bench`: Thread's performance figures, each next to a baseline measured in the same run, as one
 * table (and bench/results.json; see results.ts for where other runs write).
 *
 *   npm run bench                      every part, full sizes
 *   npm run bench -- home refresh      some parts
 *   npm run bench -- --smoke           every part on tiny sizes (CI): goals shown, not judged
 *
 * Parts: footprint (footprint.ts), ack (ack.ts), home (home.ts), refresh (token-refresh.ts), triggers
 * (triggers.ts), deliveries (deliveries.ts). A part that finds a wrong result — a lost or doubled post, a
 * second refresh at the provider, an event not stored once, a Home view Slack would refuse — fails the run,
 * smoke included; the other parts still run and the table is still printed. A missed goal (✗) fails a full
 * run only: timing on tiny sizes or a busy CI machine says nothing.
 */
import { benchAck } from './ack.js';
import { benchDeliveries } from './deliveries.js';
import { benchFootprint } from './footprint.js';
import { benchHome } from './home.js';
import { machine, type Results, resultsFile, writeResults } from './results.js';
import { FULL, type Sizes, SMOKE } from './sizes.js';
import { type Row, renderTable } from './table.js';
import { benchTokenRefresh } from './token-refresh.js';
import { benchTriggers } from './triggers.js';

// In this order: the footprint first, while nothing else of the run is in memory.
const PARTS: Record<string, (sizes: Sizes) => Promise<Row[]>> = {
  footprint: (s) => benchFootprint(s.footprint),
  ack: (s) => benchAck(s.ack),
  home: (s) => benchHome(s.home),
  refresh: (s) => benchTokenRefresh(s.refresh),
  triggers: (s) => benchTriggers(s.triggers),
  deliveries: (s) => benchDeliveries(s.deliveries),
};

function parseArgs(argv: string[]): { smoke: boolean; parts: string[] } {
  const smoke = argv.includes('--smoke');
  const named = argv.filter((a) => a !== '--smoke');
  const unknown = named.filter((a) => !(a in PARTS));
  if (unknown.length) {
    console.error(
      `unknown part ${unknown.join(', ')}; the parts: ${Object.keys(PARTS).join(', ')} (and --smoke)`,
    );
    process.exit(2);
  }
  return {
    smoke,
    parts: named.length ? Object.keys(PARTS).filter((p) => named.includes(p)) : Object.keys(PARTS),
  };
}

async function main(): Promise<number> {
  const { smoke, parts } = parseArgs(process.argv.slice(2));
  const mode = smoke ? 'smoke' : parts.length === Object.keys(PARTS).length ? 'full' : 'parts';
  const sizes = smoke ? SMOKE : FULL;
  const results: Results = {
    machine: machine(),
    run: { mode, parts, sizes, seconds: {}, failures: [] },
    rows: [],
  };
  for (const part of parts) {
    const started = performance.now();
    process.stdout.write(`${part} … `);
    try {
      results.rows.push(...(await PARTS[part]!(sizes)));
      results.run.seconds[part] = Number(((performance.now() - started) / 1000).toFixed(1));
      console.log(`${results.run.seconds[part]} s`);
    } catch (err) {
      console.log('failed');
      console.error(err);
      results.run.failures.push({ part, error: err instanceof Error ? err.message : String(err) });
    }
  }
  // Tiny sizes make no claim about speed: the smoke shows each goal but does not judge it.
  if (smoke) for (const r of results.rows) delete r.ok;

  const { cpus, cpuModel, node, loadAverage } = results.machine;
  console.log(
    `\nThread benchmarks (${mode}) — ${cpus} × ${cpuModel}, Node ${node}, load ${loadAverage.join(' ')} at the start\n`,
  );
  console.log(renderTable(results.rows));
  const file = resultsFile(mode);
  writeResults(file, results);
  console.log(`\nWritten to ${file}.`);

  const missed = results.rows.filter((r) => r.ok === false);
  for (const f of results.run.failures) console.error(`FAILED ${f.part}: ${f.error}`);
  for (const r of missed) console.error(`MISSED ${r.what}: goal ${r.goal}`);
  return results.run.failures.length || missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
