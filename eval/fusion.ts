/**
 * The jobs preset's fusion weights and hubness β, chosen on dev, reported on test
 * (docs/trained-encoder.md, docs/pipelines.md):
 *
 *   tsx eval/fusion.ts [--group jobs|medical] [--sample N]
 *
 * jobs: dev the JobBERT validation split (a seeded sample), test MELO usa_q_en_c_en.
 * medical (the medical preset plus the trained encoder, trained on MeSH C/F with the
 * training mentions as labeled pairs): dev NCBI-disease dev, test NCBI-disease test.
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
import { parsePipeline, type PipelineConfig } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { correctionOf, TUNING_BETAS, withHubness } from '../src/tuning/hubness.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { importSpec, ROOT, seededSample, sharedDataDir } from './shared.js';
import type { ExtraTerm } from '../src/pipeline/resources.js';

const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const { values } = parseArgs({ options: { sample: { type: 'string' }, group: { type: 'string' } } });
const sampleSize = values.sample ? Number(values.sample) : 1500;
const WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.8];
const cacheDir = join(process.env['NORMKIT_EVAL_CACHE'] ?? join(ROOT, '.normkit-eval'), 'indexes');
const work = mkdtempSync(join(tmpdir(), 'normkit-fusion-'));
const store = VocabStore.open(join(work, 'f.db'));

interface Case {
  name: string;
  queries: Array<{ text: string; gold: string[]; lang?: string }>;
  options: { extraTerms: ExtraTerm[]; queryBank?: Array<{ text: string; conceptIds: string[]; lang?: string }> };
  filterTypes?: string[] | undefined;
}

async function load(benchmark: string, params: Record<string, unknown>, n: number): Promise<Case> {
  const loaded = await LOADERS[benchmark]!({ shared: shared!, params });
  const run = loaded.runs[0]!;
  const name = `${benchmark}-${run.name}`.replace(/[^a-z0-9-]/gi, '-');
  await importSpec(store, work, run.vocabulary, name);
  const types = run.filterTypes ? new Set(run.filterTypes) : undefined;
  const ids = new Set([...store.terms(name, types ? { types: [...types] } : {})].map((t) => t.conceptId));
  const canonical = run.canonicalText;
  const queries = seededSample(
    run.queries.filter((q) => q.gold.length > 0 && q.gold.every((g) => ids.has(g))),
    n,
    12345,
  ).map((q) => ({ text: canonical?.get(q.qid) ?? q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) }));
  const extraTerms = run.extraTerms ?? [];
  return {
    name,
    queries,
    options: { extraTerms: [...extraTerms], ...(extraTerms.length ? { queryBank: extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang })) } : {}) },
    filterTypes: run.filterTypes,
  };
}

async function successAt1(linker: Linker, c: Case): Promise<number> {
  const results = await linker.linkMany(c.queries, 1);
  let hits = 0;
  results.forEach((r, i) => {
    if (r.candidates[0] && c.queries[i]!.gold.includes(r.candidates[0].conceptId)) hits++;
  });
  return hits / c.queries.length;
}

function variant(p: PipelineConfig, c: Case, w: number, method: 'none' | 'is', beta1 = p.hubness.beta1): PipelineConfig {
  return { ...p, ...(c.filterTypes ? { filter: { types: c.filterTypes } } : {}), fusion: { ...p.fusion, weights: [w, 1 - w] }, hubness: { ...p.hubness, method, beta1 } };
}

function build(c: Case, config: PipelineConfig): Promise<Linker> {
  return Linker.build(store, c.name, config, { cacheDir, ...c.options });
}

async function group(label: string, base: PipelineConfig, devSpec: [string, Record<string, unknown>], testSpec: [string, Record<string, unknown>]): Promise<void> {
  const dev = await load(devSpec[0], devSpec[1], sampleSize);
  const test = await load(testSpec[0], testSpec[1], 100_000);
  process.stdout.write(`\n## ${label}: dev ${devSpec[0]} ${JSON.stringify(devSpec[1])} (n=${dev.queries.length}), test ${testSpec[0]} ${JSON.stringify(testSpec[1])} (n=${test.queries.length})\n\n`);
  const grid: Array<{ w: number; s: number }> = [];
  for (const w of WEIGHTS) {
    const linker = await build(dev, variant(base, dev, w, 'none'));
    grid.push({ w, s: await successAt1(linker, dev) });
    await linker.close();
  }
  const best = grid.reduce((a, b) => (b.s > a.s + 1e-9 ? b : a));
  process.stdout.write(`lexical weight (dense 1 − w), no correction, dev Success@1: ${grid.map((g) => `w=${g.w}: ${g.s.toFixed(4)}`).join('  ')}\nchosen w = ${best.w}\n`);
  const corrected = await build(dev, variant(base, dev, best.w, 'is'));
  const betas: Array<{ b: number; s: number }> = [];
  const correction = correctionOf(corrected);
  if (correction) for (const b of TUNING_BETAS) betas.push({ b, s: await successAt1(withHubness(corrected, { ...correction.config, beta1: b }), dev) });
  await corrected.close();
  const bestBeta = betas.length ? betas.reduce((a, b) => (b.s > a.s + 1e-9 ? b : a)) : undefined;
  const useIs = bestBeta !== undefined && bestBeta.s > best.s + 1e-9;
  process.stdout.write(`IS β₁ with w = ${best.w}, dev Success@1: ${betas.map((g) => `β=${g.b}: ${g.s.toFixed(4)}`).join('  ') || '(no query bank: no correction)'}\nchosen: ${useIs ? `IS β₁ = ${bestBeta!.b}` : 'no correction'}\n\n`);

  const lexicalOnly: PipelineConfig = { ...base, generators: [base.generators[0]], fusion: { method: 'weighted', rrfK: 60 }, ...(test.filterTypes ? { filter: { types: test.filterTypes } } : {}) };
  const rows: Array<[string, PipelineConfig]> = [
    [`lexical alone (${base.name} preset, hubness ${base.hubness.method})`, lexicalOnly],
    ['trained encoder alone (no correction)', variant(base, test, 0, 'none')],
    [`fused w=${best.w} (no correction)`, variant(base, test, best.w, 'none')],
    ...(useIs ? ([[`fused w=${best.w} + IS β₁=${bestBeta!.b}`, variant(base, test, best.w, 'is', bestBeta!.b)]] as Array<[string, PipelineConfig]>) : []),
  ];
  process.stdout.write(`| pipeline | Success@1 (test) |\n|---|---:|\n`);
  for (const [row, config] of rows) {
    const linker = await build(test, config);
    process.stdout.write(`| ${row} | ${(await successAt1(linker, test)).toFixed(4)} |\n`);
    await linker.close();
  }
}

try {
  if (!values.group || values.group === 'jobs') await group('jobs', preset('jobs'), ['jobbert', {}], ['melo', { datasets: ['usa_q_en_c_en'] }]);
  if (!values.group || values.group === 'medical') {
    // The medical preset with the trained encoder added (it has none by default).
    const med = preset('medical');
    const fused = parsePipeline({ ...med, generators: [med.generators[0], { type: 'dense', model: 'trained', k: 100 }], fusion: { method: 'weighted', weights: [0.5, 0.5] } });
    await group('medical', fused, ['ncbi-disease', { split: 'dev' }], ['ncbi-disease', {}]);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
