/**
 * Hubness diagnostics (`normkit index stats`) and β/bank-size tuning
 * (`normkit index tune-hubness`), both over a linker whose banks are searched.
 *
 * Diagnostics run a query set through the linker without and with the correction and
 * report, for each: the N_k distribution (how many concepts occur in how many top-k
 * lists), its skewness, the share of top-k slots taken by the 1% most frequent concepts,
 * and the top hubs.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { sampleIndices } from '../hubness/banks.js';
import { HUBNESS_METHODS, type HubnessMethod } from '../hubness/dbnorm.js';
import { readQueries } from '../io/queries.js';
import { hubnessOf } from '../metrics/evaluate.js';
import type { HubnessConfig, PipelineConfig } from '../pipeline/config.js';
import { Linker } from '../pipeline/linker.js';
import { correctionFor, HubnessStage, type HubnessCorrection } from '../pipeline/stages/hubness.js';
import type { VocabStore } from '../store/store.js';

export interface DiagnosticQuery {
  text: string;
  lang?: string | undefined;
}

export interface HubnessSide {
  method: HubnessMethod;
  skewness: number;
  /** Share of all top-k slots held by the 1% most frequent concepts. */
  topShare: number;
  /** N_k histogram: [occurrences, concepts with that many]. */
  distribution: Array<[number, number]>;
  hubs: Array<{ conceptId: string; name: string | undefined; occurrences: number }>;
}

export interface HubnessDiagnostics {
  queries: number;
  /** Where the queries came from. */
  querySource: string;
  concepts: number;
  k: number;
  before: HubnessSide;
  after: HubnessSide;
  correction: Pick<HubnessConfig, 'method' | 'beta1' | 'beta2' | 'bankSize' | 'bankDepth' | 'candidates'>;
}

/** Held-out-term stand-ins for queries when none are given: a seeded sample of the linker's terms. */
export function sampleTermQueries(linker: Linker, n: number, seed = 7): DiagnosticQuery[] {
  const terms = linker.index.terms;
  return sampleIndices(terms.length, n, seed).map((i) => ({ text: terms[i]!.text, lang: terms[i]!.lang }));
}

async function side(linker: Linker, queries: readonly DiagnosticQuery[], k: number, topHubs: number, nameOf: (id: string) => string | undefined): Promise<HubnessSide> {
  const lists = (await linker.linkMany(queries, k)).map((r) => r.candidates.map((c) => c.conceptId));
  const counts = new Map<string, number>();
  for (const l of lists) for (const id of l) counts.set(id, (counts.get(id) ?? 0) + 1);
  const hist = new Map<number, number>();
  hist.set(0, linker.concepts - counts.size);
  for (const c of counts.values()) hist.set(c, (hist.get(c) ?? 0) + 1);
  const { skewness, topShare } = hubnessOf(lists, linker.concepts, k);
  return {
    method: linker.config.hubness.method,
    skewness,
    topShare,
    distribution: [...hist].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]),
    hubs: [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, topHubs)
      .map(([conceptId, occurrences]) => ({ conceptId, name: nameOf(conceptId), occurrences })),
  };
}

/** The linker's hubness correction, when its pipeline has one. */
export function correctionOf(linker: Linker): HubnessCorrection | undefined {
  const stage = linker.stage('hubness');
  return stage instanceof HubnessStage ? stage.correction : undefined;
}

/**
 * The same linker with other hubness settings, reusing its indexes and bank hits (bank size
 * and depth up to the searched ones); method `none` takes the correction out.
 */
export function withHubness(linker: Linker, h: HubnessConfig): Linker {
  const config = { ...linker.config, hubness: h };
  if (h.method === 'none') return linker.withStage('hubness', undefined, config);
  const current = correctionOf(linker);
  if (!current) throw new Error('withHubness needs a linker built with a hubness correction (its banks are reused)');
  return linker.withStage('hubness', new HubnessStage(correctionFor(h, current, linker.terms)), config);
}

/** N_k statistics without and with the linker's correction (the linker must have one). */
export async function diagnoseHubness(
  linker: Linker,
  queries: readonly DiagnosticQuery[],
  options: { k?: number; topHubs?: number; querySource: string; nameOf: (id: string) => string | undefined },
): Promise<HubnessDiagnostics> {
  const h = correctionOf(linker);
  if (!h) throw new Error('diagnoseHubness needs a linker with a hubness correction');
  const k = options.k ?? 10;
  const top = options.topHubs ?? 10;
  const plain = withHubness(linker, { ...h.config, method: 'none' });
  return {
    queries: queries.length,
    querySource: options.querySource,
    concepts: linker.concepts,
    k,
    before: await side(plain, queries, k, top, options.nameOf),
    after: await side(linker, queries, k, top, options.nameOf),
    correction: { method: h.config.method, beta1: h.config.beta1, beta2: h.config.beta2, bankSize: h.config.bankSize, bankDepth: h.config.bankDepth, candidates: h.config.candidates },
  };
}

export interface LabeledQuery extends DiagnosticQuery {
  gold: readonly string[];
}

export interface TuningTrial {
  config: HubnessConfig;
  successAt1: number;
}

export interface TuningResult {
  /** The best trial per method (none included). */
  perMethod: TuningTrial[];
  /** The choice: the best trial overall; `none` unless a correction beats it. */
  chosen: TuningTrial;
  trials: number;
}

export const TUNING_BETAS = [2, 5, 10, 20, 40];

async function successAt1(linker: Linker, queries: readonly LabeledQuery[]): Promise<number> {
  let hits = 0;
  const results = await linker.linkMany(queries, 1);
  queries.forEach((q, i) => {
    const top = results[i]!.candidates[0];
    if (top && q.gold.includes(top.conceptId)) hits++;
  });
  return hits / Math.max(1, queries.length);
}

/**
 * Picks the method, β₁, β₂ and then the bank size by Success@1 on dev queries. `linker`
 * must have been built with a correction (its banks are searched once, at the largest
 * bank size; smaller banks are prefixes of the same seeded sample). A correction is chosen
 * only when it beats no correction on these queries.
 */
export async function tuneHubness(linker: Linker, queries: readonly LabeledQuery[], options: { betas?: readonly number[]; bankSizes?: readonly number[]; onTrial?: (t: TuningTrial) => void } = {}): Promise<TuningResult> {
  const base = correctionOf(linker)?.config;
  if (!base) throw new Error('tuneHubness needs a linker built with a hubness correction (its banks are reused)');
  const betas = options.betas ?? TUNING_BETAS;
  let trials = 0;
  const run = async (config: HubnessConfig): Promise<TuningTrial> => {
    const t = { config, successAt1: await successAt1(withHubness(linker, config), queries) };
    trials++;
    options.onTrial?.(t);
    return t;
  };
  const perMethod: TuningTrial[] = [];
  for (const method of HUBNESS_METHODS) {
    const dual = method === 'dualis' || method === 'dualdis';
    let best: TuningTrial | undefined;
    const grid: Array<[number, number]> = method === 'none' ? [[base.beta1, base.beta2]] : betas.flatMap((b1) => (dual ? betas.map((b2) => [b1, b2] as [number, number]) : [[b1, b1] as [number, number]]));
    for (const [beta1, beta2] of grid) {
      const t = await run({ ...base, method, beta1, beta2 });
      if (!best || t.successAt1 > best.successAt1 + 1e-12) best = t;
    }
    perMethod.push(best!);
  }
  let chosen = perMethod.reduce((a, b) => (b.successAt1 > a.successAt1 + 1e-12 ? b : a));
  if (chosen.config.method !== 'none') {
    for (const size of options.bankSizes ?? [Math.round(base.bankSize / 10), Math.round(base.bankSize / 3)]) {
      if (size < 1 || size >= base.bankSize) continue;
      const t = await run({ ...chosen.config, bankSize: size });
      if (t.successAt1 > chosen.successAt1 + 1e-12) chosen = t;
    }
  }
  return { perMethod, chosen, trials };
}

/** The pipeline with `--hubness` applied; a diagnostic or tuning run needs some correction to search banks for. */
export function withMethod(pipeline: PipelineConfig, method: HubnessMethod | undefined, fallback?: HubnessMethod): PipelineConfig {
  const m = method ?? (pipeline.hubness.method === 'none' && fallback ? fallback : pipeline.hubness.method);
  return { ...pipeline, hubness: { ...pipeline.hubness, method: m } };
}

export async function indexStats(
  store: VocabStore,
  vocabulary: string,
  pipeline: PipelineConfig,
  options: { dataDir: string; queriesFile?: string; k: number; sample: number; top: number },
): Promise<HubnessDiagnostics> {
  const linker = await Linker.build(store, vocabulary, pipeline, { cacheDir: join(options.dataDir, 'indexes') });
  let queries;
  let source: string;
  if (options.queriesFile) {
    queries = (await readQueries(options.queriesFile)).queries.map((q) => ({ text: q.text, lang: q.lang }));
    source = options.queriesFile;
  } else {
    queries = sampleTermQueries(linker, options.sample);
    source = `${queries.length} vocabulary terms (seeded sample)`;
  }
  const nameOf = (id: string): string | undefined => {
    try {
      return store.concept(vocabulary, id).name;
    } catch {
      return undefined;
    }
  };
  return await diagnoseHubness(linker, queries, { k: options.k, topHubs: options.top, querySource: source, nameOf });
}

export async function tuneHubnessCommand(
  store: VocabStore,
  vocabulary: string,
  pipeline: PipelineConfig,
  options: { dataDir: string; queriesFile: string },
): Promise<{ result: TuningResult; pipeline: PipelineConfig }> {
  const { queries } = await readQueries(options.queriesFile);
  const labeled = queries.filter((q) => q.gold.length > 0).map((q) => ({ text: q.text, lang: q.lang, gold: q.gold }));
  if (labeled.length === 0) throw new UsageError(`${options.queriesFile} has no queries with gold concepts to tune on`);
  // Built with a dual method so both banks are searched once; every trial reuses them.
  const linker = await Linker.build(store, vocabulary, withMethod(pipeline, 'dualdis'), { cacheDir: join(options.dataDir, 'indexes') });
  const result = await tuneHubness(linker, labeled);
  return { result, pipeline: { ...pipeline, hubness: result.chosen.config } };
}
