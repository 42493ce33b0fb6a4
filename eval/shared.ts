import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { PipelineConfig } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import type { PairContext } from '../src/pipeline/pairwise.js';
import { VocabStore } from '../src/store/store.js';
import { LOADERS } from './loaders/index.js';
import { importVocabulary } from '../src/vocab/import.js';
import type { VocabularySpec } from './loaders/types.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinkResult } from '../src/pipeline/result.js';

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The real benchmarks and vocabularies: `$NORMKIT_SHARED_DATA`, else `../shared/data`
 * beside the checkout. Undefined when absent (tests and the demo never need it).
 */
export function sharedDataDir(): string | undefined {
  const dir = process.env['NORMKIT_SHARED_DATA'] ?? join(ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

/**
 * Imports a benchmark run's vocabulary into `store` under `name`: its files in their
 * format, or its inline concepts written as JSONL under `work` first.
 */
export async function importSpec(store: VocabStore, work: string, spec: VocabularySpec, name: string): Promise<void> {
  if ('concepts' in spec) {
    mkdirSync(join(work, 'vocab'), { recursive: true });
    const file = join(work, 'vocab', `${spec.key}.jsonl`);
    writeFileSync(file, `${spec.concepts.map((c) => JSON.stringify(c)).join('\n')}\n`);
    await importVocabulary(store, [file], { force: true, name, format: 'jsonl', skipInvalid: true });
  } else await importVocabulary(store, spec.files, { force: true, name, format: spec.format, skipInvalid: true });
}

/** A seeded sample of n items (all of them when there are fewer), by a partial Fisher–Yates shuffle. */
export function seededSample<T>(xs: readonly T[], n: number, seed: number): T[] {
  if (xs.length <= n) return [...xs];
  let a = seed >>> 0;
  const rand = (): number => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
  const copy = [...xs];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** A benchmark run as the tuning scripts read it: loader params, preset and domain. */
export interface BenchmarkSpec {
  benchmark: string;
  preset: string;
  params: Record<string, unknown>;
  group: 'jobs' | 'medical';
}

/**
 * The dev sets every tuning script reads (docs/tuning.md): JobBERT validation, an O*NET
 * hold-out with another seed than the reported one, and the dev splits of the medical
 * benchmarks. Test splits are never among them.
 */
export const DEV_SETS: readonly BenchmarkSpec[] = [
  { benchmark: 'jobbert', preset: 'jobs', params: {}, group: 'jobs' },
  { benchmark: 'onet-holdout', preset: 'jobs', params: { seed: 29, fraction: 0.1 }, group: 'jobs' },
  { benchmark: 'ncbi-disease', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
  { benchmark: 'bc5cdr', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
  { benchmark: 'hpo-translations', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
  { benchmark: 'quaero', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
  { benchmark: 'codiesp', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
  { benchmark: 'icd9-gem', preset: 'medical', params: { split: 'dev' }, group: 'medical' },
];

/**
 * A benchmark run's first run linked with a pipeline, as `npm run eval` links it: the run's
 * vocabulary imported into `store` (under `work`), its type filter, its training mentions as
 * extra terms and query bank, co-reference canonical forms; queries whose gold is in the
 * vocabulary. Linkers are cached in `cacheDir`.
 */
export async function linkBenchmarkRun(
  ctx: { shared: string; store: VocabStore; work: string; cacheDir: string },
  benchmark: string,
  params: Record<string, unknown>,
  config: PipelineConfig,
  k: number,
): Promise<{ results: Array<{ result: LinkResult; gold: string[] }>; context: PairContext }> {
  const loaded = await LOADERS[benchmark]!({ shared: ctx.shared, params });
  const run = loaded.runs[0]!;
  const name = `${benchmark}-${run.name}`.replace(/[^a-z0-9-]/gi, '-');
  await importSpec(ctx.store, ctx.work, run.vocabulary, name);
  const extraTerms = [...(run.extraTerms ?? [])];
  const linker = await Linker.build(ctx.store, name, { ...config, ...(run.filterTypes ? { filter: { types: run.filterTypes } } : {}) }, {
    cacheDir: ctx.cacheDir,
    extraTerms,
    ...(extraTerms.length ? { queryBank: extraTerms.map((e) => ({ text: e.text, conceptIds: [e.conceptId], lang: e.lang })) } : {}),
  });
  const queries = run.queries.filter((q) => q.gold.every((g) => linker.hasConcept(g))).map((q) => ({ text: run.canonicalText?.get(q.qid) ?? q.text, gold: q.gold, ...(q.lang ? { lang: q.lang } : {}) }));
  const results = await linker.linkMany(queries, k);
  await linker.close();
  return { results: results.map((r, i) => ({ result: r, gold: queries[i]!.gold })), context: linker.pairContext };
}

/** The workspace of a real-data eval script: ../shared/data (or exit 0 without it), a scratch store, the eval cache. */
export function evalWorkspace(label: string): { shared: string; store: VocabStore; work: string; cacheDir: string; close(): void } {
  const shared = sharedDataDir();
  if (!shared) {
    process.stderr.write('needs ../shared/data (or $NORMKIT_SHARED_DATA)\n');
    process.exit(0);
  }
  const work = mkdtempSync(join(tmpdir(), `normkit-${label}-`));
  const store = VocabStore.open(join(work, 'eval.db'));
  return {
    shared,
    store,
    work,
    cacheDir: join(process.env['NORMKIT_EVAL_CACHE'] ?? join(ROOT, '.normkit-eval'), 'indexes'),
    close() {
      store.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
