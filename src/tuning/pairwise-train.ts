/**
 * Training the pairwise reranker (`normkit train-reranker`; the model and its features are
 * src/pipeline/pairwise.ts).
 *
 * Loss, per query with a gold concept among its top `depth` candidates: the cross-entropy of
 * softmax(w·x) against the gold, plus λ‖w − w₀‖², where w₀ ranks exactly as the first stage
 * (all weight on the margin): the model only moves away from the first-stage order as far as
 * the data pays for (the spirit of xMEN's rank regularization). Adam, full batch.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { readQueries } from '../io/queries.js';
import type { PipelineConfig } from '../pipeline/config.js';
import { Linker } from '../pipeline/linker.js';
import { PAIRWISE_FEATURES, pairFeatures, type PairContext, type PairwiseModel } from '../pipeline/pairwise.js';
import type { VocabStore } from '../store/store.js';
import type { LinkResult } from '../pipeline/result.js';

export interface PairwiseTraining {
  /** Each labeled query's first-stage result and its gold concepts. */
  results: ReadonlyArray<{ result: Pick<LinkResult, 'input' | 'candidates'>; gold: readonly string[] }>;
  context?: Partial<PairContext>;
  /** Candidates per query the model sees. Default 20. */
  depth?: number;
  /** λ of the pull toward the first-stage order. Default 0.01. */
  l2?: number;
  epochs?: number;
  /** The features the model uses (default all): a subset, e.g. to measure what one adds. The first must be margin (the first-stage order). */
  features?: ReadonlyArray<(typeof PAIRWISE_FEATURES)[number]>;
}

/** How strongly w₀ weighs the (standardized) margin: enough to reproduce the first-stage order. */
const FIRST_STAGE_WEIGHT = 5;

export function trainPairwise(t: PairwiseTraining): { model: PairwiseModel; trainSuccessAt1: { before: number; after: number }; queries: number } {
  const depth = t.depth ?? 20;
  const names = [...(t.features ?? PAIRWISE_FEATURES)];
  if (names[0] !== 'margin') throw new Error('trainPairwise: the first feature must be margin');
  const columns = names.map((n) => PAIRWISE_FEATURES.indexOf(n));
  const context: PairContext = { prior: t.context?.prior ?? (() => 0), parents: t.context?.parents ?? (() => []) };
  const lists: Array<{ x: number[][]; gold: number }> = [];
  let before = 0;
  for (const { result, gold } of t.results) {
    const cands = result.candidates.slice(0, depth);
    const g = cands.findIndex((c) => gold.includes(c.conceptId));
    if (g < 0) continue;
    if (g === 0) before++;
    lists.push({ x: pairFeatures({ input: result.input, candidates: cands }, context).map((x) => columns.map((c) => x[c]!)), gold: g });
  }
  const F = names.length;
  const all = lists.flatMap((l) => l.x);
  const mean = Array.from({ length: F }, (_, j) => all.reduce((s, x) => s + x[j]!, 0) / Math.max(1, all.length));
  const std = Array.from({ length: F }, (_, j) => Math.sqrt(all.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / Math.max(1, all.length)) || 1);
  const w0 = Array.from({ length: F }, (_, j) => (j === 0 ? FIRST_STAGE_WEIGHT : 0));
  const w = [...w0];
  const l2 = t.l2 ?? 0.01;
  const m = new Array<number>(F).fill(0);
  const v = new Array<number>(F).fill(0);
  const lr = 0.05;
  const epochs = t.epochs ?? 300;
  const standardized = lists.map((l) => ({ x: l.x.map((x) => x.map((val, j) => (val - mean[j]!) / std[j]!)), gold: l.gold }));
  for (let e = 1; e <= epochs; e++) {
    const grad = w.map((wj, j) => 2 * l2 * (wj - w0[j]!));
    for (const l of standardized) {
      const z = l.x.map((x) => x.reduce((s, val, j) => s + w[j]! * val, 0));
      const max = Math.max(...z);
      const ex = z.map((zi) => Math.exp(zi - max));
      const sum = ex.reduce((a, b) => a + b, 0);
      l.x.forEach((x, i) => {
        const d = (ex[i]! / sum - (i === l.gold ? 1 : 0)) / standardized.length;
        for (let j = 0; j < F; j++) grad[j]! += d * x[j]!;
      });
    }
    for (let j = 0; j < F; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * grad[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * grad[j]! ** 2;
      w[j]! -= (lr * (m[j]! / (1 - 0.9 ** e))) / (Math.sqrt(v[j]! / (1 - 0.999 ** e)) + 1e-8);
    }
  }
  const model: PairwiseModel = { features: names, mean, std, weights: w };
  let after = 0;
  for (const l of standardized) {
    const s = l.x.map((x) => x.reduce((sum, val, j) => sum + w[j]! * val, 0));
    if (s.indexOf(Math.max(...s)) === l.gold) after++;
  }
  const n = t.results.length;
  return { model, trainSuccessAt1: { before: before / Math.max(1, n), after: after / Math.max(1, n) }, queries: lists.length };
}

/** `normkit train-reranker`: learns the pairwise reranker on labeled queries; returns the pipeline with its rerank section. */
export async function trainRerankerCommand(
  store: VocabStore,
  vocabulary: string,
  pipeline: PipelineConfig,
  options: { dataDir: string; queriesFile: string; top?: number; progress?: Progress },
): Promise<{ training: ReturnType<typeof trainPairwise>; pipeline: PipelineConfig }> {
  const { queries } = await readQueries(options.queriesFile);
  const labeled = queries.filter((q) => q.gold.length > 0);
  if (labeled.length === 0) throw new UsageError(`${options.queriesFile} has no queries with gold concepts to train on`);
  const { rerank: _rerank, decision: _decision, ...firstStage } = pipeline;
  const top = options.top ?? 20;
  const linker = await Linker.build(store, vocabulary, firstStage, { cacheDir: join(options.dataDir, 'indexes'), dataDir: options.dataDir, ...(options.progress ? { progress: options.progress } : {}) });
  try {
    const results = await linker.linkMany(labeled, top);
    const training = trainPairwise({ results: results.map((r, i) => ({ result: r, gold: labeled[i]!.gold })), depth: top, context: linker.pairContext });
    // A confidence model fitted on the first stage does not fit the reranker's scores: it is dropped (run calibrate again).
    return { training, pipeline: { ...firstStage, rerank: { type: 'trained', top, model: training.model } } };
  } finally {
    await linker.close();
  }
}
