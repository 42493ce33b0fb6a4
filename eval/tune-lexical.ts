/**
 * Dev-set grid for the lexical generator's BM25 weight (docs/tuning.md). Only dev and
 * training data are read: JobBERT validation, an O*NET hold-out with another seed than
 * the reported one, and the dev splits of the medical benchmarks. Each benchmark runs with
 * its preset and extras, as `npm run eval` does, on every dev query; prints Success@1 per
 * run and the means.
 *
 * Usage: tsx eval/tune-lexical.ts <weight>... (e.g. 0 0.2 0.4)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import type { LexicalOptions } from '../src/lexical/lexical-index.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { DEV_SETS, importSpec, sharedDataDir } from './shared.js';

const DEV = DEV_SETS;

const weights = process.argv.slice(2).map(Number);
const shared = sharedDataDir();
if (!shared || weights.length === 0 || weights.some((w) => !(w >= 0 && w <= 1))) {
  process.stderr.write(shared ? 'usage: tsx eval/tune-lexical.ts <weight 0..1>...\n' : 'needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(2);
}

interface Case {
  benchmark: string;
  group: 'jobs' | 'medical';
  run: string;
  linker: Linker;
  queries: Array<{ text: string; gold: string[]; lang?: string }>;
}

const work = mkdtempSync(join(tmpdir(), 'normkit-tune-'));
const store = VocabStore.open(join(work, 'tune.db'));
try {
  const imported = new Map<string, string>();
  const cases: Case[] = [];
  for (const d of DEV) {
    const loaded = await (LOADERS[d.benchmark] as (typeof LOADERS)[string])({ shared, params: d.params });
    for (const run of loaded.runs) {
      const spec = run.vocabulary;
      let name = imported.get(spec.key);
      if (!name) {
        name = `v${imported.size}`;
        await importSpec(store, work, spec, name);
        imported.set(spec.key, name);
      }
      const base = preset(d.preset);
      const linker = await Linker.build(store, name, run.filterTypes ? { ...base, filter: { types: run.filterTypes } } : base, { extraTerms: run.extraTerms ?? [] });
      const queries = run.queries.filter((q) => q.gold.every((g) => linker.hasConcept(g)));
      const canonical = run.canonicalText;
      cases.push({
        benchmark: d.benchmark,
        group: d.group,
        run: run.name,
        linker,
        queries: queries.map((q) => ({ text: canonical?.get(q.qid) ?? q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) })),
      });
      process.stderr.write(`${d.benchmark}/${run.name}: ${queries.length} dev queries\n`);
    }
  }

  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  for (const w of weights) {
    const byBenchmark = new Map<string, { group: string; scores: number[] }>();
    const cells: string[] = [];
    for (const c of cases) {
      // The weight only enters at search time: one index serves the whole grid.
      (c.linker.index.options as Required<LexicalOptions>).bm25Weight = w;
      let hits = 0;
      for (const q of c.queries) {
        const top = (await c.linker.link(q.text, 1, q.lang ? { lang: q.lang } : {})).candidates[0];
        if (top && q.gold.includes(top.conceptId)) hits++;
      }
      const s = hits / Math.max(1, c.queries.length);
      cells.push(`${c.benchmark}/${c.run}=${s.toFixed(3)}`);
      const entry = byBenchmark.get(c.benchmark) ?? { group: c.group, scores: [] };
      entry.scores.push(s);
      byBenchmark.set(c.benchmark, entry);
    }
    const per = [...byBenchmark.values()].map((e) => ({ group: e.group, s: mean(e.scores) }));
    const jobs = mean(per.filter((p) => p.group === 'jobs').map((p) => p.s));
    const medical = mean(per.filter((p) => p.group === 'medical').map((p) => p.s));
    process.stdout.write(`bm25Weight ${w}: jobs ${jobs.toFixed(4)}  medical ${medical.toFixed(4)}  all ${mean(per.map((p) => p.s)).toFixed(4)}\n  ${cells.join('  ')}\n`);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
