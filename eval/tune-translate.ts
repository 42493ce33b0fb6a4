/**
 * Dev-set grid for query translation (docs/crosslingual.md): the translate stage's
 * `weight`, `bagWeight` and `alternatives`, on the cross-lingual dev splits only — HPO
 * translations dev (es, pt, de, it, fr), QUAERO dev (fr), CodiEsp dev (es) — with the
 * medical-crosslingual preset and the lexicons of NORMKIT_LEXICONS (default
 * /usr/share/dictd). MELO has no dev split, so its runs are never tuned on.
 *
 * Usage: tsx eval/tune-translate.ts weight:bagWeight:alternatives[:pivots 0|1] ... (e.g. 0.8:1:3 0.9:0.8:3:0)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLexicons } from '../src/lexicon/import.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { importSpec, sharedDataDir } from './shared.js';

const DEV = [
  { benchmark: 'hpo-translations', params: { split: 'dev' } },
  { benchmark: 'quaero', params: { split: 'dev' } },
  { benchmark: 'codiesp', params: { split: 'dev' } },
];

const grid = process.argv.slice(2).map((a) => {
  const [weight, bagWeight, alternatives, pivots] = a.split(':').map(Number);
  return { weight: weight!, bagWeight: bagWeight ?? 1, alternatives: alternatives ?? 3, pivots: (pivots ?? 1) > 0 };
});
const shared = sharedDataDir();
if (!shared || grid.length === 0 || grid.some((g) => !(g.weight >= 0) || !(g.bagWeight >= 0) || !(g.alternatives >= 1))) {
  process.stderr.write(shared ? 'usage: tsx eval/tune-translate.ts weight:bagWeight:alternatives[:pivots 0|1] ...\n' : 'needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'normkit-tune-translate-'));
const store = VocabStore.open(join(work, 'tune.db'));
try {
  importLexicons(new LexiconStore(store), process.env['NORMKIT_LEXICONS'] ?? '/usr/share/dictd');
  const runs: Array<{ name: string; vocabulary: string; filterTypes: string[] | undefined; extra: Parameters<typeof Linker.build>[3]; queries: Array<{ text: string; gold: string[]; lang?: string }> }> = [];
  const imported = new Map<string, string>();
  for (const d of DEV) {
    const loaded = await LOADERS[d.benchmark]!({ shared, params: d.params });
    for (const run of loaded.runs) {
      let name = imported.get(run.vocabulary.key);
      if (!name) {
        name = `v${imported.size}`;
        await importSpec(store, work, run.vocabulary, name);
        imported.set(run.vocabulary.key, name);
      }
      const extraTerms = run.extraTerms ?? [];
      const queryBank = extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang }));
      runs.push({ name: `${d.benchmark}/${run.name}`, vocabulary: name, filterTypes: run.filterTypes, extra: { extraTerms, queryBank, cacheDir: join(work, 'cache') }, queries: run.queries.map((q) => ({ text: q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) })) });
    }
  }
  const base = preset('medical-crosslingual');
  for (const g of [{ weight: -1, bagWeight: 0, alternatives: 1, pivots: false }, ...grid]) {
    const cells: string[] = [];
    const scores: number[] = [];
    for (const r of runs) {
      const config = g.weight < 0 ? preset('medical') : { ...base, translate: { ...base.translate!, ...g } };
      const linker = await Linker.build(store, r.vocabulary, r.filterTypes ? { ...config, filter: { types: r.filterTypes } } : config, r.extra);
      try {
        const queries = r.queries.filter((q) => q.gold.every((id) => linker.hasConcept(id)));
        const results = await linker.linkMany(queries.map((q) => ({ text: q.text, ...(q.lang ? { lang: q.lang } : {}) })), 1);
        const hits = results.filter((res, i) => res.candidates[0] && queries[i]!.gold.includes(res.candidates[0].conceptId)).length;
        const s = hits / Math.max(1, queries.length);
        scores.push(s);
        cells.push(`${r.name}=${s.toFixed(3)}`);
      } finally {
        await linker.close();
      }
    }
    const label = g.weight < 0 ? 'no translation' : `weight ${g.weight} bag ${g.bagWeight} alternatives ${g.alternatives} pivots ${g.pivots ? 'on' : 'off'}`;
    process.stdout.write(`${label}: mean ${(scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(4)}\n  ${cells.join('  ')}\n`);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
