/**
 * The jobs preset's fusion weights and hubness β, chosen on dev, reported on test
 * (docs/trained-encoder.md, docs/pipelines.md):
 *
 *   tsx eval/fusion.ts [--sample N]
 *
 * Dev: the JobBERT validation split (a seeded sample). Test: MELO usa_q_en_c_en.
 * 1. The lexical weight w (dense 1 − w) over a grid, without hubness correction.
 * 2. With the chosen w: the IS correction's β₁ over the tuning grid (bank hits searched once).
 * Then on test: lexical alone, the trained encoder alone, fused, fused + IS.
 *
 * The encoders and indexes are cached in $NORMKIT_EVAL_CACHE (default .normkit-eval/), as
 * for `npm run eval`, so a second run reuses the trained encoders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PipelineConfig } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { TUNING_BETAS } from '../src/hubness/diagnostics.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { importSpec, ROOT, seededSample, sharedDataDir } from './shared.js';

const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const { values } = parseArgs({ options: { sample: { type: 'string' } } });
const sampleSize = values.sample ? Number(values.sample) : 1500;
const WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.8];
const cacheDir = join(process.env['NORMKIT_EVAL_CACHE'] ?? join(ROOT, '.normkit-eval'), 'indexes');
const work = mkdtempSync(join(tmpdir(), 'normkit-fusion-'));
const store = VocabStore.open(join(work, 'f.db'));

interface Case {
  name: string;
  queries: Array<{ text: string; gold: string[]; lang?: string }>;
}

async function load(benchmark: string, params: Record<string, unknown>, n: number): Promise<Case> {
  const loaded = await LOADERS[benchmark]!({ shared: shared!, params });
  const run = loaded.runs[0]!;
  const name = `${benchmark}-${run.name}`.replace(/[^a-z0-9-]/gi, '-');
  await importSpec(store, work, run.vocabulary, name);
  const ids = new Set([...store.terms(name)].map((t) => t.conceptId));
  const queries = seededSample(
    run.queries.filter((q) => q.gold.length > 0 && q.gold.every((g) => ids.has(g))),
    n,
    12345,
  ).map((q) => ({ text: q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) }));
  return { name, queries };
}

async function successAt1(linker: Linker, c: Case): Promise<number> {
  const results = await linker.linkMany(c.queries, 1);
  let hits = 0;
  results.forEach((r, i) => {
    if (r.candidates[0] && c.queries[i]!.gold.includes(r.candidates[0].conceptId)) hits++;
  });
  return hits / c.queries.length;
}

function withWeight(p: PipelineConfig, w: number, method: 'none' | 'is'): PipelineConfig {
  return { ...p, fusion: { ...p.fusion, weights: [w, 1 - w] }, hubness: { ...p.hubness, method } };
}

try {
  const jobs = preset('jobs');
  const dev = await load('jobbert', {}, sampleSize);
  const test = await load('melo', { datasets: ['usa_q_en_c_en'] }, 100_000);
  process.stdout.write(`## jobs: dev JobBERT validation (n=${dev.queries.length}), test MELO usa_q_en_c_en (n=${test.queries.length})\n\n`);
  const grid: Array<{ w: number; s: number }> = [];
  for (const w of WEIGHTS) {
    const linker = await Linker.build(store, dev.name, withWeight(jobs, w, 'none'), { cacheDir });
    grid.push({ w, s: await successAt1(linker, dev) });
    await linker.close();
  }
  const best = grid.reduce((a, b) => (b.s > a.s + 1e-9 ? b : a));
  process.stdout.write(`lexical weight (dense 1 − w), no correction, dev Success@1: ${grid.map((g) => `w=${g.w}: ${g.s.toFixed(4)}`).join('  ')}\nchosen w = ${best.w}\n`);
  const corrected = await Linker.build(store, dev.name, withWeight(jobs, best.w, 'is'), { cacheDir });
  const betas: Array<{ b: number; s: number }> = [];
  for (const b of TUNING_BETAS) betas.push({ b, s: await successAt1(corrected.withHubness({ ...corrected.hubness!.config, beta1: b }), dev) });
  const bestBeta = betas.reduce((a, b) => (b.s > a.s + 1e-9 ? b : a));
  process.stdout.write(`IS β₁ with w = ${best.w}, dev Success@1: ${betas.map((g) => `β=${g.b}: ${g.s.toFixed(4)}`).join('  ')}\nchosen β₁ = ${bestBeta.b}${bestBeta.s > best.s ? '' : ' (no better than no correction on dev)'}\n\n`);
  await corrected.close();

  const rows: Array<[string, PipelineConfig]> = [
    ['lexical alone (jobs preset, no dense, IS)', { ...jobs, generators: [jobs.generators[0]], fusion: { method: 'weighted', rrfK: 60 } }],
    ['trained encoder alone (no correction)', withWeight(jobs, 0, 'none')],
    [`fused w=${best.w} (no correction)`, withWeight(jobs, best.w, 'none')],
    [`fused w=${best.w} + IS β₁=${bestBeta.b}`, { ...withWeight(jobs, best.w, 'is'), hubness: { ...jobs.hubness, method: 'is', beta1: bestBeta.b } }],
  ];
  process.stdout.write(`| pipeline | MELO usa_q_en_c_en Success@1 (test) |\n|---|---:|\n`);
  for (const [label, config] of rows) {
    const linker = await Linker.build(store, test.name, config, { cacheDir });
    process.stdout.write(`| ${label} | ${(await successAt1(linker, test)).toFixed(4)} |\n`);
    await linker.close();
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
