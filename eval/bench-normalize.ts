/**
 * Normalization throughput: 100,000 job titles through the jobs pack on one core (target:
 * 50,000 titles/s or more). Titles are built from the demo occupations (data/demo) with the
 * decorations real postings carry — seniority, gender markers, contract, location, salary —
 * so the benchmark needs no external data. Prints the best of three timed passes after a warm-up.
 */
import { normalize } from '../src/normalize/engine.js';
import { loadPack } from '../src/normalize/pack.js';
import { syntheticTitles } from './synthetic.js';

const N = Number(process.env['BENCH_TITLES'] ?? 100_000);

const pack = loadPack('jobs');
const titles = syntheticTitles(N);
for (const t of titles.slice(0, 20_000)) normalize(t, pack, { trace: false }); // warm-up
const rates: number[] = [];
for (let pass = 0; pass < 3; pass++) {
  const started = performance.now();
  for (const t of titles) normalize(t, pack, { trace: false });
  rates.push(titles.length / ((performance.now() - started) / 1000));
}
const best = Math.max(...rates);
process.stdout.write(
  `normalize, jobs pack (${pack.ruleCount} rules): ${titles.length.toLocaleString('en-US')} titles, ${rates.map((r) => r.toFixed(0)).join(' / ')} titles/s; best ${best.toFixed(0)} titles/s on one core (target ≥ 50,000)\n`,
);
const traced = performance.now();
for (const t of titles.slice(0, 20_000)) normalize(t, pack);
process.stdout.write(`with the trace on: ${(20_000 / ((performance.now() - traced) / 1000)).toFixed(0)} titles/s\n`);
