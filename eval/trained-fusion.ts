/**
 * The self-trained encoder fused with the lexical generator (docs/trained-encoder.md):
 *
 *   tsx eval/trained-fusion.ts [jobs] [medical]
 *
 * Per benchmark run: an encoder is trained on the run's vocabulary (plus its training
 * mentions as labeled pairs, when it has some); candidates are the union of the lexical
 * preset's top 100 concepts (raw similarities, before any hubness correction) and the
 * encoder's top 100 (exact search over every term); a concept's fused score is
 * (1 − α)·lexical + α·dense, each its best term's similarity (0 when the generator did not
 * return it). (The hubness correction of fused scores comes with the linker's fusion stage.)
 *
 * α is chosen on dev sets only: JobBERT validation for jobs (reported on MELO
 * usa_q_en_c_en, test), NCBI-disease dev for medical (reported on NCBI-disease test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { BagModel } from '../src/trained/model.js';
import { trainOnVocabulary } from '../src/trained/vocabulary.js';
import { LOADERS } from './loaders/index.js';
import type { LoadedRun } from './loaders/types.js';
import { importSpec, seededSample, sharedDataDir } from './shared.js';

const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const which = process.argv.slice(2);
const ALPHAS = [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1];
const work = mkdtempSync(join(tmpdir(), 'normkit-fusion-'));
const store = VocabStore.open(join(work, 'v.db'));
let nVocab = 0;

async function vocabularyOf(run: LoadedRun): Promise<string> {
  const name = `v${nVocab++}`;
  await importSpec(store, work, run.vocabulary, name);
  return name;
}

interface Prepared {
  label: string;
  /** Per query: candidate concept → [lexical, dense] best-term similarities, gold. */
  rows: Array<{ gold: string[]; cands: Map<string, [number, number]> }>;
}

async function prepare(benchmark: string, params: Record<string, unknown>, presetName: string, maxQueries: number): Promise<Prepared[]> {
  const loaded = await LOADERS[benchmark]!({ shared: shared!, params });
  const out: Prepared[] = [];
  for (const run of loaded.runs) {
    const name = await vocabularyOf(run);
    const base = preset(presetName);
    const cfg = { ...base, ...(run.filterTypes ? { filter: { types: run.filterTypes } } : {}), hubness: { ...base.hubness, method: 'none' as const } };
    const extraTerms = run.extraTerms ?? [];
    const linker = Linker.build(store, name, cfg, { extraTerms });
    const started = performance.now();
    const trained = trainOnVocabulary(store, name, {
      ...(run.filterTypes ? { types: run.filterTypes } : {}),
      labeled: extraTerms.map((e) => ({ text: e.text, conceptId: e.conceptId })),
      onProgress: (p) => {
        if (p.step % 200 === 0) process.stderr.write(`  ${benchmark}/${run.name}: step ${p.step}/${p.steps} validation ${p.validation.toFixed(3)}\n`);
      },
    });
    process.stderr.write(`${benchmark}/${run.name}: trained in ${((performance.now() - started) / 1000).toFixed(0)} s (held-out ${trained.validation.toFixed(3)})\n`);
    const model: BagModel = trained.model;
    // Dense side: every term the linker searches (vocabulary terms and training mentions).
    const terms = linker.index.terms;
    const T = model.embedMatrix(terms.map((t) => t.text));
    const d = model.dim;
    const queries = seededSample(
      run.queries.filter((q) => q.gold.every((g) => linker.hasConcept(g))),
      maxQueries,
      99,
    ).map((q) => ({ ...q, text: run.canonicalText?.get(q.qid) ?? q.text }));
    const Q = model.embedMatrix(queries.map((q) => linker.normalizeQuery(q.text).normalized));
    const rows: Prepared['rows'] = [];
    queries.forEach((q, qi) => {
      const cands = new Map<string, [number, number]>();
      for (const c of linker.link(q.text, 100, q.lang ? { lang: q.lang } : {}).candidates) if (c.generator !== 'code') cands.set(c.conceptId, [c.score, 0]);
      const best = new Map<string, number>();
      for (let t = 0; t < terms.length; t++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += Q[qi * d + k]! * T[t * d + k]!;
        const id = terms[t]!.conceptId;
        if (!(best.get(id)! >= s)) best.set(id, s);
      }
      const top = [...best].sort((a, b) => b[1] - a[1]).slice(0, 100);
      for (const [id] of top) if (!cands.has(id)) cands.set(id, [0, 0]);
      for (const [id, v] of cands) v[1] = best.get(id) ?? 0;
      rows.push({ gold: q.gold, cands });
    });
    out.push({ label: `${benchmark}/${run.name}`, rows });
  }
  return out;
}

function successAt1(p: Prepared, alpha: number): number {
  let hits = 0;
  for (const r of p.rows) {
    let bestId = '';
    let best = -Infinity;
    for (const [id, [l, dn]] of r.cands) {
      const s = (1 - alpha) * l + alpha * dn;
      if (s > best || (s === best && id > bestId)) {
        best = s;
        bestId = id;
      }
    }
    if (r.gold.includes(bestId)) hits++;
  }
  return hits / Math.max(1, p.rows.length);
}

async function group(name: string, dev: [string, Record<string, unknown>], test: [string, Record<string, unknown>], presetName: string): Promise<void> {
  const devSets = await prepare(dev[0], dev[1], presetName, 3000);
  const grid = ALPHAS.map((a) => ({ a, s: devSets.reduce((x, p) => x + successAt1(p, a), 0) / devSets.length }));
  const chosen = grid.reduce((x, y) => (y.s > x.s + 1e-9 ? y : x));
  process.stdout.write(`\n## ${name}: α on dev (${devSets.map((p) => p.label).join(', ')})\n${grid.map((g) => `α=${g.a}: ${g.s.toFixed(4)}`).join('  ')}\nchosen α = ${chosen.a}\n`);
  const testSets = await prepare(test[0], test[1], presetName, 100_000);
  for (const p of testSets) {
    process.stdout.write(`${p.label} (test, n=${p.rows.length}): lexical ${successAt1(p, 0).toFixed(4)}  trained encoder ${successAt1(p, 1).toFixed(4)}  fused (α=${chosen.a}) ${successAt1(p, chosen.a).toFixed(4)}\n`);
  }
}

try {
  if (which.length === 0 || which.includes('jobs')) await group('jobs', ['jobbert', {}], ['melo', { datasets: ['usa_q_en_c_en'] }], 'jobs');
  if (which.length === 0 || which.includes('medical')) await group('medical', ['ncbi-disease', { split: 'dev' }], ['ncbi-disease', {}], 'medical');
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
