/**
 * `npm run eval [-- options]`: every benchmark of eval/benchmarks/ over ../shared/data.
 *
 *   --fast               the CI subset (each config's "fast" section: fewer datasets, seeded samples;
 *                        encoders the presets train on a vocabulary train for one epoch)
 *   --only a,b           only these benchmarks
 *   --runs REGEX         only the runs whose name matches (e.g. '_c_en$' for MELO's x→English runs);
 *                        the benchmark's other runs are kept from its results file as they were
 *   --ablate             also run each benchmark with each stage switched off, with paired bootstrap CIs
 *   --check-baselines    exit 1 when a headline number is more than 2 points below eval/baselines.json
 *   --update-baselines   record this run's headline numbers in eval/baselines.json
 *   --report-only        rebuild EVALUATION.md and eval/results/report.html from the results already there
 *   --hubness METHOD     override every preset's hubness correction (none, is, dis, dualis, dualdis)
 *
 * Writes eval/results/<benchmark>.json (eval/results/fast/ with --fast), and after a full
 * run regenerates EVALUATION.md and eval/results/report.html. Vocabularies and indexes are
 * cached in $NORMKIT_EVAL_CACHE (default .normkit-eval/) keyed by content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { pairedBootstrap } from '../src/metrics/bootstrap.js';
import { DEFAULT_METRICS, evaluateLinker, type EvaluationReport } from '../src/metrics/evaluate.js';
import type { PipelineConfig } from '../src/pipeline/config.js';
import { importLexicons } from '../src/lexicon/import.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { learnLexicon, type LearnedLexicon } from '../src/lexicon/learn.js';
import { PARALLEL_SOURCES } from './loaders/parallel.js';
import { BuildCache } from '../src/pipeline/cache.js';
import { Linker } from '../src/pipeline/linker.js';
import { ABLATIONS, preset } from '../src/pipeline/presets.js';
import { HUBNESS_METHODS, type HubnessMethod } from '../src/hubness/dbnorm.js';
import type { Query } from '../src/io/queries.js';
import { VocabStore } from '../src/store/store.js';
import { checksumFiles, importVocabulary } from '../src/vocab/import.js';
import { renderEvaluationMd } from './evaluation-md.js';
import { renderHtmlReport } from './report/html.js';
import { LOADERS } from './loaders/index.js';
import type { LoadedRun, VocabularySpec } from './loaders/types.js';
import { hash32 } from './loaders/util.js';
import type { AblationResult, BenchmarkResult, RunResult } from './results.js';
import { ROOT, sharedDataDir } from './shared.js';

const configSchema = z.strictObject({
  name: z.string(),
  title: z.string(),
  group: z.enum(['jobs', 'medical', 'mapping', 'retrieval']),
  loader: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
  preset: z.string().default('lexical'),
  /** The preset of the runs whose queries are in another language than the vocabulary (the loader's `targetLang`). */
  crosslingualPreset: z.string().optional(),
  /** Labeled texts (eval/loaders/parallel.ts) the cross-lingual runs learn word translations from, besides the FreeDict lexicons. */
  learnFrom: z.array(z.string()).default([]),
  /** Candidates per query; metrics and Success@k curves go this deep. */
  depth: z.number().int().min(10).default(100),
  /** Metrics besides the headline set. */
  metrics: z.array(z.string()).default([]),
  headline: z.string(),
  /** Present: part of the CI subset, with these loader params and a seeded query sample per run. */
  fast: z.strictObject({ params: z.record(z.string(), z.unknown()).optional(), sample: z.number().int().positive().optional() }).optional(),
});
type BenchmarkConfig = z.infer<typeof configSchema>;

const BASELINE_TOLERANCE = 0.02;
const CURVE_MAX = 100;

function loadConfigs(): BenchmarkConfig[] {
  const dir = join(ROOT, 'eval', 'benchmarks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = configSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`eval/benchmarks/${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (!LOADERS[parsed.data.loader]) throw new Error(`eval/benchmarks/${f}: unknown loader "${parsed.data.loader}"`);
      return parsed.data;
    });
}

/**
 * The bilingual lexicons of the cross-lingual runs: every FreeDict dictionary in
 * NORMKIT_LEXICONS (default /usr/share/dictd, where Debian's dict-freedict-* packages put
 * them), imported once per set of files. General dictionaries only: no benchmark's data
 * becomes a lexicon here.
 */
function ensureLexicons(store: VocabStore, cacheDir: string): void {
  const dir = process.env['NORMKIT_LEXICONS'] ?? '/usr/share/dictd';
  const lexicons = new LexiconStore(store);
  if (!existsSync(dir)) {
    if (!lexiconsWarned) process.stdout.write(`no lexicon folder ${dir} (apt-get install dict-freedict-deu-eng …, or set NORMKIT_LEXICONS): cross-lingual runs translate nothing\n`);
    lexiconsWarned = true;
    return;
  }
  const files = readdirSync(dir).filter((f) => /\.(index|dict|dict\.dz|tei)$/.test(f)).sort();
  const key = BuildCache.key(files.map((f) => [f, statSync(join(dir, f)).size, statSync(join(dir, f)).mtimeMs]));
  const marker = join(cacheDir, 'lexicons.key');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === key && lexicons.list().length) return;
  const t0 = performance.now();
  const imported = importLexicons(lexicons, dir);
  writeFileSync(marker, key);
  process.stdout.write(`imported ${imported.length} lexicons from ${dir} (${imported.reduce((s, l) => s + l.entries, 0)} pairs) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
let lexiconsWarned = false;

/**
 * The learned lexicons a benchmark's cross-lingual runs may use (its `learnFrom` sources,
 * eval/loaders/parallel.ts), one per source and language, learned into the store
 * (`learned-<source>-<lang>`) when missing or changed; every other learned lexicon is
 * removed first, so no run translates with what another benchmark may learn from.
 */
async function ensureLearned(store: VocabStore, cacheDir: string, shared: string, sources: readonly string[]): Promise<void> {
  const lexicons = new LexiconStore(store);
  const wanted = new Map<string, LearnedLexicon>();
  for (const source of sources) {
    const make = PARALLEL_SOURCES[source];
    if (!make) throw new Error(`learnFrom: unknown source "${source}" (eval/loaders/parallel.ts: ${Object.keys(PARALLEL_SOURCES).join(', ')})`);
    const { vocabulary, examples } = make(shared);
    const name = await ensureVocabulary(store, cacheDir, vocabulary);
    for (const [lang, list] of examples) {
      const learned = learnLexicon(store, name, { from: lang, to: 'en', examples: list, translations: false, name: `learned-${source}-${lang}` });
      wanted.set(learned.meta.name, learned);
    }
  }
  for (const l of lexicons.list()) if (l.format === 'learned' && wanted.get(l.name)?.meta.checksum !== l.checksum) lexicons.remove(l.name);
  const missing = [...wanted.values()].filter((l) => !lexicons.has(l.meta.name));
  if (missing.length) {
    lexicons.replaceMany(missing);
    process.stdout.write(`learned ${missing.map((l) => `${l.meta.name} (${l.pairs.length} word pairs from ${l.texts.examples} texts)`).join(', ')}\n`);
  }
}

/** Imports a run's vocabulary once per content (checksum) and returns its store name. */
async function ensureVocabulary(store: VocabStore, cacheDir: string, spec: VocabularySpec): Promise<string> {
  const name = `bench-${spec.key}`;
  let files: string[];
  let format: string;
  if ('concepts' in spec) {
    mkdirSync(join(cacheDir, 'vocab'), { recursive: true });
    const file = join(cacheDir, 'vocab', `${spec.key}.jsonl`);
    const text = spec.concepts.map((c) => JSON.stringify(c)).join('\n') + '\n';
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
    files = [file];
    format = 'jsonl';
  } else {
    files = spec.files;
    format = spec.format;
  }
  const checksum = await checksumFiles(files);
  if (!store.hasVocabulary(name) || store.vocabulary(name).checksum !== checksum) {
    await importVocabulary(store, files, { force: true, name, format, skipInvalid: true });
  }
  return name;
}

function sample(queries: Query[], n: number | undefined, seed: string): Query[] {
  if (!n || queries.length <= n) return queries;
  return [...queries].sort((a, b) => hash32(`${seed}:${a.qid}`) - hash32(`${seed}:${b.qid}`)).slice(0, n);
}

function perQueryValues(report: EvaluationReport, metric: string): number[] {
  return report.outcomes.flatMap((o) => (o.metrics ? [o.metrics[metric] ?? 0] : []));
}

/** --fast: a trained dense generator trains for one epoch (a few times faster; its numbers are the fast baselines'). */
function fastTraining(p: PipelineConfig): PipelineConfig {
  const [lexical, ...dense] = p.generators;
  return { ...p, generators: [lexical, ...dense.map((g) => (g.model === 'trained' ? { ...g, training: { ...g.training, epochs: g.training.epochs ?? 1 } } : g))] };
}

async function runOne(
  store: VocabStore,
  cacheDir: string,
  config: BenchmarkConfig,
  run: LoadedRun,
  options: { fast: boolean; ablate: boolean; hubness?: HubnessMethod | undefined },
): Promise<RunResult> {
  const vocabulary = await ensureVocabulary(store, cacheDir, run.vocabulary);
  const presetName = config.crosslingualPreset && run.lang && run.targetLang && run.lang !== run.targetLang ? config.crosslingualPreset : config.preset;
  const preset0 = options.fast ? fastTraining(preset(presetName)) : preset(presetName);
  if (preset0.translate) ensureLexicons(store, cacheDir);
  const base = options.hubness ? { ...preset0, hubness: { ...preset0.hubness, method: options.hubness } } : preset0;
  const pipeline: PipelineConfig = run.filterTypes ? { ...base, filter: { types: run.filterTypes } } : base;
  const metrics = [...DEFAULT_METRICS, ...config.metrics.filter((m) => !DEFAULT_METRICS.includes(m))];
  const indexes = join(cacheDir, 'indexes');
  const extraTerms = run.extraTerms ?? [];
  // Training mentions, when a benchmark has them, are also the hubness correction's query bank.
  const queryBank = extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang }));
  const linker = await Linker.build(store, vocabulary, pipeline, { cacheDir: indexes, extraTerms, queryBank });
  try {
    const dropped = { ...run.dropped };
    const inVocabulary = run.queries.filter((q) => {
      const ok = q.gold.every((g) => linker.hasConcept(g));
      if (!ok) dropped['gold outside the vocabulary'] = (dropped['gold outside the vocabulary'] ?? 0) + 1;
      return ok;
    });
    const sampled = sample(inVocabulary, options.fast ? config.fast?.sample : undefined, `${config.name}/${run.name}`);
    // Document co-reference: each mention is linked through its group's canonical form.
    const canonical = run.canonicalText;
    const queries = canonical ? sampled.map((q) => ({ ...q, text: canonical.get(q.qid) ?? q.text })) : sampled;
    const evalOptions = { depth: config.depth, metrics, curveMax: Math.min(CURVE_MAX, config.depth) };
    const report = await evaluateLinker(linker, queries, evalOptions);

    const ablations: AblationResult[] = [];
    if (options.ablate) {
      // One ablated linker at a time, closed after its evaluation.
      const variants: Array<[string, () => Promise<Linker>]> = [];
      for (const [stage, a] of Object.entries(ABLATIONS)) {
        const cfg = a.apply(pipeline);
        if (cfg) variants.push([stage, () => Linker.build(store, vocabulary, cfg, { cacheDir: indexes, extraTerms, queryBank })]);
      }
      if (extraTerms.length > 0) variants.push(['train-synonyms', () => Linker.build(store, vocabulary, pipeline, { cacheDir: indexes })]);
      const runs: Array<[string, EvaluationReport]> = [];
      for (const [stage, build] of variants) {
        const ablated = await build();
        try {
          runs.push([stage, await evaluateLinker(ablated, queries, evalOptions)]);
        } finally {
          await ablated.close();
        }
      }
      if (canonical) runs.push(['coref', await evaluateLinker(linker, sampled, evalOptions)]);
      for (const [stage, r] of runs) {
        const delta: AblationResult['delta'] = {};
        for (const m of [config.headline, 'success@1', 'mrr']) {
          delta[m] = pairedBootstrap(perQueryValues(report, m), perQueryValues(r, m), { seed: hash32(`${config.name}/${run.name}/${stage}`) });
        }
        ablations.push({ stage, metrics: r.metrics, delta });
      }
    }
    return {
      name: run.name,
      ...(run.lang ? { lang: run.lang } : {}),
      ...(presetName !== config.preset ? { preset: presetName } : {}),
      split: run.split,
      n: report.n,
      dropped,
      metrics: report.metrics,
      successCurve: report.successCurve,
      queriesPerSecond: report.queriesPerSecond,
      n10Skewness: report.hubness.skewness,
      indexBuildSeconds: report.indexBuildSeconds,
      vocabulary: { name: vocabulary, concepts: linker.concepts, terms: linker.terms },
      ablations,
    };
  } finally {
    await linker.close();
  }
}

function macro(runs: RunResult[]): Record<string, number> | undefined {
  if (runs.length < 2) return undefined;
  const keys = Object.keys(runs[0]!.metrics);
  return Object.fromEntries(keys.map((k) => [k, runs.reduce((s, r) => s + (r.metrics[k] ?? 0), 0) / runs.length]));
}

type Baselines = Record<string, Record<string, number>>;

function readResults(dir: string): BenchmarkResult[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as BenchmarkResult);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      fast: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      ablate: { type: 'boolean', default: false },
      'check-baselines': { type: 'boolean', default: false },
      'update-baselines': { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      hubness: { type: 'string' },
    },
  });
  if (values.hubness !== undefined && !HUBNESS_METHODS.includes(values.hubness as HubnessMethod)) {
    throw new Error(`--hubness must be one of ${HUBNESS_METHODS.join(', ')} (got ${values.hubness})`);
  }
  if (values['report-only']) {
    const dir = join(ROOT, 'eval', 'results');
    const all = readResults(dir);
    if (all.length === 0) throw new Error('no results in eval/results: run npm run eval first');
    const first = all[0]!;
    const info = { command: first.command, machine: first.machine, date: first.date };
    writeFileSync(join(ROOT, 'EVALUATION.md'), renderEvaluationMd(all, { ...info, seconds: all.reduce((s, r) => s + r.seconds, 0) }));
    writeFileSync(join(dir, 'report.html'), renderHtmlReport(all, { title: 'normkit evaluation', ...info }));
    process.stdout.write(`wrote EVALUATION.md and eval/results/report.html from ${all.length} results\n`);
    return 0;
  }
  const shared = sharedDataDir();
  if (!shared) {
    process.stdout.write('../shared/data was not found (set NORMKIT_SHARED_DATA to its path): no benchmark was run.\n');
    return 0;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const runFilter = values.runs ? new RegExp(values.runs) : undefined;
  const configs = loadConfigs().filter((c) => (!only || only.includes(c.name)) && (!values.fast || c.fast));
  if (only) {
    const unknown = only.filter((o) => !configs.some((c) => c.name === o));
    if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}`);
  }
  const cacheDir = process.env['NORMKIT_EVAL_CACHE'] ?? join(ROOT, '.normkit-eval');
  mkdirSync(cacheDir, { recursive: true });
  const store = VocabStore.open(join(cacheDir, 'normkit.db'));
  const resultsDir = join(ROOT, 'eval', 'results', ...(values.fast ? ['fast'] : []));
  mkdirSync(resultsDir, { recursive: true });
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const command = `npm run eval${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const started = performance.now();
  const results: BenchmarkResult[] = [];
  try {
    for (const config of configs) {
      const t0 = performance.now();
      const params = { ...config.params, ...(values.fast ? config.fast?.params : {}) };
      const loaded = await LOADERS[config.loader]!({ shared, params });
      // Once per benchmark: the learned lexicons its cross-lingual runs may use, and no others.
      if (config.crosslingualPreset) await ensureLearned(store, cacheDir, shared, config.learnFrom);
      const runs: RunResult[] = [];
      const previous = new Map((runFilter && existsSync(join(resultsDir, `${config.name}.json`)) ? (JSON.parse(readFileSync(join(resultsDir, `${config.name}.json`), 'utf8')) as BenchmarkResult).runs : []).map((r) => [r.name, r]));
      for (const run of loaded.runs) {
        const kept = runFilter && !runFilter.test(run.name) ? previous.get(run.name) : undefined;
        if (kept) {
          runs.push(kept);
          continue;
        }
        const r = await runOne(store, cacheDir, config, run, { fast: values.fast, ablate: values.ablate, hubness: values.hubness as HubnessMethod | undefined });
        runs.push(r);
        process.stdout.write(
          `${config.name}/${r.name}: n=${r.n} ${[...new Set([config.headline, 'success@1', 'mrr'])].map((m) => `${m}=${(r.metrics[m] ?? 0).toFixed(3)}`).join(' ')} (${r.queriesPerSecond.toFixed(0)} q/s)\n`,
        );
      }
      const m = macro(runs);
      const result: BenchmarkResult = {
        benchmark: config.name,
        group: config.group,
        title: config.title,
        preset: config.preset,
        headline: config.headline,
        runs,
        ...(m ? { macro: m } : {}),
        notes: loaded.notes,
        date: new Date().toISOString(),
        machine,
        command,
        seconds: (performance.now() - t0) / 1000,
      };
      writeFileSync(join(resultsDir, `${config.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
      results.push(result);
    }
  } finally {
    store.close();
  }
  const total = (performance.now() - started) / 1000;
  process.stdout.write(`${results.length} benchmarks in ${total.toFixed(0)} s\n`);

  if (!values.fast && !only) {
    const all = readResults(resultsDir);
    writeFileSync(join(ROOT, 'EVALUATION.md'), renderEvaluationMd(all, { command, machine, date: new Date().toISOString(), seconds: total }));
    process.stdout.write('wrote EVALUATION.md\n');
    writeFileSync(join(resultsDir, 'report.html'), renderHtmlReport(all, { title: 'normkit evaluation', command, machine, date: new Date().toISOString() }));
    process.stdout.write('wrote eval/results/report.html\n');
  }

  const baselinesFile = join(ROOT, 'eval', 'baselines.json');
  const headline = (r: BenchmarkResult): Record<string, number> => Object.fromEntries(r.runs.map((run) => [run.name, Number((run.metrics[r.headline] ?? 0).toFixed(4))]));
  if (values['update-baselines']) {
    const existing: Baselines = existsSync(baselinesFile) ? (JSON.parse(readFileSync(baselinesFile, 'utf8')) as { fast: Baselines }).fast : {};
    for (const r of results) existing[r.benchmark] = headline(r);
    writeFileSync(baselinesFile, `${JSON.stringify({ about: `Headline metric per run of \`npm run eval -- --fast\`; CI fails when a run drops more than ${BASELINE_TOLERANCE} below.`, fast: existing }, null, 2)}\n`);
    process.stdout.write(`updated ${baselinesFile}\n`);
  }
  if (values['check-baselines']) {
    const baselines = (JSON.parse(readFileSync(baselinesFile, 'utf8')) as { fast: Baselines }).fast;
    const drops: string[] = [];
    for (const r of results) {
      for (const [run, value] of Object.entries(headline(r))) {
        const want = baselines[r.benchmark]?.[run];
        if (want === undefined) drops.push(`${r.benchmark}/${run}: no baseline recorded (run with --update-baselines)`);
        else if (value < want - BASELINE_TOLERANCE) drops.push(`${r.benchmark}/${run}: ${r.headline} ${value.toFixed(4)} < baseline ${want.toFixed(4)} − ${BASELINE_TOLERANCE}`);
      }
    }
    if (drops.length) {
      process.stdout.write(`baseline check FAILED:\n${drops.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write('baseline check passed: no headline number dropped more than 2 points\n');
  }
  return 0;
}

process.exitCode = await main();
