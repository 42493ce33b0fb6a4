/**
 * Hubness correction on the benchmarks (docs/hubness.md): for each method (none, IS, DIS,
 * DualIS, DualDIS), β values are chosen on dev data only, then Success@1 and the N_10
 * skewness are reported on the test splits with those choices.
 *
 *   tsx eval/hubness.ts [--group jobs|medical] [--sample N]
 *
 * Dev: JobBERT validation and an O*NET hold-out (seed 29) for jobs; NCBI-disease and
 * BC5CDR dev for medical. Test: MELO usa_q_en_c_en and the O*NET hold-out (seed 13) for
 * jobs; NCBI-disease and BC5CDR test for medical. Each run uses its preset and extras as
 * `npm run eval` does; a benchmark's training mentions form the query bank when it has
 * them, otherwise synthetic queries (held-out terms) do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hubnessOf } from '../src/metrics/evaluate.js';
import { HUBNESS_METHODS, type HubnessMethod } from '../src/hubness/dbnorm.js';
import type { HubnessConfig } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import type { LoadedRun } from './loaders/types.js';
import { DEV_SETS, importSpec, seededSample, sharedDataDir, type BenchmarkSpec } from './shared.js';
import { correctionOf, withHubness } from '../src/tuning/hubness.js';

type Spec = BenchmarkSpec;

const DEV = DEV_SETS;
const TEST: Spec[] = [
  { benchmark: 'melo', preset: 'jobs', params: { datasets: ['usa_q_en_c_en'] }, group: 'jobs' },
  { benchmark: 'onet-holdout', preset: 'jobs', params: { seed: 13, fraction: 0.1 }, group: 'jobs' },
  { benchmark: 'ncbi-disease', preset: 'medical', params: {}, group: 'medical' },
  { benchmark: 'bc5cdr', preset: 'medical', params: {}, group: 'medical' },
];
const BETAS = [2, 5, 10, 20, 40];
const DUAL_BETAS = [2, 10, 40];

const { values } = parseArgs({ options: { group: { type: 'string' }, sample: { type: 'string' } } });
const shared = sharedDataDir();
if (!shared) {
  process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
  process.exit(0);
}
const sampleSize = values.sample ? Number(values.sample) : 1500;

interface Case {
  label: string;
  group: string;
  linker: Linker;
  queries: Array<{ text: string; gold: string[]; lang?: string }>;
}

const work = mkdtempSync(join(tmpdir(), 'normkit-hubness-'));
const store = VocabStore.open(join(work, 'h.db'));
const imported = new Map<string, string>();

async function vocabularyOf(run: LoadedRun): Promise<string> {
  let name = imported.get(run.vocabulary.key);
  if (!name) {
    name = `v${imported.size}`;
    await importSpec(store, work, run.vocabulary, name);
    imported.set(run.vocabulary.key, name);
  }
  return name;
}

async function casesOf(specs: readonly Spec[]): Promise<Case[]> {
  const out: Case[] = [];
  for (const d of specs.filter((s) => !values.group || s.group === values.group)) {
    const loaded = await LOADERS[d.benchmark]!({ shared: shared!, params: d.params });
    for (const run of loaded.runs) {
      const name = await vocabularyOf(run);
      const base = preset(d.preset);
      const cfg = { ...base, ...(run.filterTypes ? { filter: { types: run.filterTypes } } : {}), hubness: { ...base.hubness, method: 'dualdis' as const, queryBank: 'any' as const } };
      const extraTerms = run.extraTerms ?? [];
      const started = performance.now();
      const linker = await Linker.build(store, name, cfg, {
        extraTerms,
        ...(extraTerms.length ? { queryBank: extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang })) } : {}),
      });
      const canonical = run.canonicalText;
      const queries = seededSample(
        run.queries.filter((q) => q.gold.every((g) => linker.hasConcept(g))),
        sampleSize,
        12345,
      ).map((q) => ({ text: canonical?.get(q.qid) ?? q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) }));
      const label = `${d.benchmark}/${run.name} (${specs === DEV ? 'dev' : 'test'})`;
      process.stderr.write(`${label}: ${queries.length} queries, ${linker.terms} terms, banks ${correctionOf(linker)!.querySource}, built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      out.push({ label, group: d.group, linker, queries });
    }
  }
  return out;
}

async function score(c: Case, h: HubnessConfig): Promise<{ s1: number; skew: number }> {
  const l = withHubness(c.linker, h);
  let hits = 0;
  const lists: string[][] = [];
  for (const q of c.queries) {
    const r = (await l.link(q.text, 10, q.lang ? { lang: q.lang } : {})).candidates.map((x) => x.conceptId);
    lists.push(r);
    if (r[0] !== undefined && q.gold.includes(r[0])) hits++;
  }
  return { s1: hits / Math.max(1, c.queries.length), skew: hubnessOf(lists, c.linker.concepts).skewness };
}

function grid(method: HubnessMethod, base: HubnessConfig): HubnessConfig[] {
  if (method === 'none') return [{ ...base, method }];
  const dual = method === 'dualis' || method === 'dualdis';
  const out: HubnessConfig[] = [];
  for (const b1 of dual ? DUAL_BETAS : BETAS) for (const b2 of dual ? DUAL_BETAS : [b1]) out.push({ ...base, method, beta1: b1, beta2: b2 });
  return out;
}

try {
  const dev = await casesOf(DEV);
  // Per group and method: the β with the best mean Success@1 over the group's dev sets (a
  // benchmark with several runs counts once) among those that lose on no dev set against
  // no correction; the preset's default is the best of those methods (none if none qualifies).
  const chosen = new Map<string, HubnessConfig>();
  for (const group of ['jobs', 'medical']) {
    const cases = dev.filter((c) => c.group === group);
    if (!cases.length) continue;
    const benchmarks = [...new Set(cases.map((c) => c.label.split('/')[0]!))];
    const evalConfig = async (h: HubnessConfig): Promise<{ mean: number; per: number[] }> => {
      const per: number[] = [];
      for (const c of cases) per.push((await score(c, h)).s1);
      const byBench = benchmarks.map((b) => {
        const xs = per.filter((_, i) => cases[i]!.label.startsWith(`${b}/`));
        return xs.reduce((a, x) => a + x, 0) / xs.length;
      });
      return { mean: byBench.reduce((a, x) => a + x, 0) / byBench.length, per };
    };
    process.stdout.write(`\n## ${group}: dev grid (mean Success@1 over ${benchmarks.join(', ')}; runs: ${cases.map((c) => c.label).join(', ')})\n`);
    const none = await evalConfig({ ...correctionOf(cases[0]!.linker)!.config, method: 'none' });
    let bestOverall: { h: HubnessConfig; mean: number } = { h: { ...correctionOf(cases[0]!.linker)!.config, method: 'none' }, mean: none.mean };
    for (const method of HUBNESS_METHODS) {
      let best: { h: HubnessConfig; mean: number; per: number[]; safe: boolean } | undefined;
      for (const h of grid(method, correctionOf(cases[0]!.linker)!.config)) {
        const r = method === 'none' ? none : await evalConfig(h);
        const safe = r.per.every((x, i) => x >= none.per[i]! - 1e-12);
        // Safe configurations first; among them (or among all if none is safe), the best mean.
        if (!best || (safe && !best.safe) || (safe === best.safe && r.mean > best.mean + 1e-9)) best = { h, mean: r.mean, per: r.per, safe };
      }
      chosen.set(`${group}/${method}`, best!.h);
      if (best!.safe && best!.mean > bestOverall.mean + 1e-9) bestOverall = { h: best!.h, mean: best!.mean };
      process.stdout.write(
        `${method.padEnd(8)} β1=${best!.h.beta1} β2=${best!.h.beta2}  dev mean ${best!.mean.toFixed(4)}  ${best!.safe ? 'never below none' : 'below none on some dev set'}  [${best!.per.map((x) => x.toFixed(3)).join(' ')}]\n`,
      );
    }
    process.stdout.write(`default for ${group}: ${bestOverall.h.method}${bestOverall.h.method === 'none' ? '' : ` β1=${bestOverall.h.beta1} β2=${bestOverall.h.beta2}`} (dev mean ${bestOverall.mean.toFixed(4)})\n`);
  }
  const test = await casesOf(TEST);
  process.stdout.write('\n## test: Success@1 / N_10 skewness with the dev-chosen β\n\n| benchmark | ' + HUBNESS_METHODS.join(' | ') + ' |\n|---|' + HUBNESS_METHODS.map(() => '---:').join('|') + '|\n');
  for (const c of test) {
    const cells: string[] = [];
    for (const m of HUBNESS_METHODS) {
      const r = await score(c, chosen.get(`${c.group}/${m}`)!);
      cells.push(`${r.s1.toFixed(3)} / ${r.skew.toFixed(2)}`);
    }
    process.stdout.write(`| ${c.label} (n=${c.queries.length}) | ${cells.join(' | ')} |\n`);
  }
} finally {
  store.close();
  rmSync(work, { recursive: true, force: true });
}
