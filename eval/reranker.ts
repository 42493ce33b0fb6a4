/**
 * The trained pairwise reranker (src/pipeline/pairwise.ts), trained on a dev split and
 * reported on test (docs/pipelines.md):
 *
 *   tsx eval/reranker.ts [--group jobs|medical] [--drop feature,…]
 *
 * jobs: trained on the JobBERT validation split, reported on MELO usa_q_en_c_en.
 * medical: trained on NCBI-disease dev, reported on NCBI-disease test.
 */
import { parseArgs } from 'node:util';
import type { PipelineConfig } from '../src/pipeline/config.js';
import { PAIRWISE_FEATURES, pairFeatures, pairwiseScores, type PairContext } from '../src/pipeline/pairwise.js';
import { pairedBootstrap } from '../src/metrics/bootstrap.js';
import { preset } from '../src/pipeline/presets.js';
import { evalWorkspace, linkBenchmarkRun } from './shared.js';
import { trainPairwise } from '../src/tuning/pairwise-train.js';
import type { LinkResult } from '../src/pipeline/result.js';

const { values } = parseArgs({ options: { group: { type: 'string' }, drop: { type: 'string' } } });
// --drop f1,f2: train without these features (what they add is the difference).
const dropped = new Set((values.drop ?? '').split(',').filter(Boolean));
for (const f of dropped) if (!(PAIRWISE_FEATURES as readonly string[]).includes(f) || f === 'margin') throw new Error(`--drop: "${f}" is not a feature that can be dropped (${PAIRWISE_FEATURES.slice(1).join(', ')})`);
const features = PAIRWISE_FEATURES.filter((f) => !dropped.has(f));
const ws = evalWorkspace('reranker');
const TOP = 20;

async function linked(benchmark: string, params: Record<string, unknown>, config: PipelineConfig): Promise<{ s1: number; context: PairContext; results: Array<{ result: LinkResult; gold: string[] }> }> {
  const { results, context } = await linkBenchmarkRun(ws, benchmark, params, config, TOP);
  return { s1: results.filter((o) => o.result.candidates[0] && o.gold.includes(o.result.candidates[0].conceptId)).length / Math.max(1, results.length), context, results };
}

async function group(name: string, dev: [string, Record<string, unknown>], test: [string, Record<string, unknown>]): Promise<void> {
  const { decision: _d, ...firstStage } = preset(name);
  const d = await linked(dev[0], dev[1], firstStage);
  // Two-fold cross-validation on dev: does the reranker help on dev queries it did not see?
  const fold = (r: number) => d.results.filter((_, i) => i % 2 === r);
  let cvBefore = 0;
  let cvAfter = 0;
  const perBefore: number[] = [];
  const perAfter: number[] = [];
  for (const f of [0, 1]) {
    const m = trainPairwise({ results: fold(f), depth: TOP, context: d.context, features }).model;
    for (const o of fold(1 - f)) {
      const cands = o.result.candidates.slice(0, TOP);
      const hitBefore = cands[0] && o.gold.includes(cands[0].conceptId) ? 1 : 0;
      const s = pairwiseScores(m, pairFeatures({ input: o.result.input, candidates: cands }, d.context));
      const best = cands[s.indexOf(Math.max(...s))];
      const hitAfter = best && o.gold.includes(best.conceptId) ? 1 : 0;
      cvBefore += hitBefore;
      cvAfter += hitAfter;
      perBefore.push(hitBefore);
      perAfter.push(hitAfter);
    }
  }
  process.stdout.write(`\n## ${name}: two-fold cross-validation on ${dev[0]} (${d.results.length} queries): Success@1 ${(cvBefore / d.results.length).toFixed(4)} → ${(cvAfter / d.results.length).toFixed(4)} (paired bootstrap 95% CI of the difference ${JSON.stringify(pairedBootstrap(perBefore, perAfter, { seed: 5 }))})\n`);
  const t = trainPairwise({ results: d.results, depth: TOP, context: d.context, features });
  process.stdout.write(`## ${name}: trained on ${dev[0]} ${JSON.stringify(dev[1])} (${t.queries} queries with the gold in the top ${TOP}): Success@1 there ${t.trainSuccessAt1.before.toFixed(4)} → ${t.trainSuccessAt1.after.toFixed(4)}\n`);
  process.stdout.write(`weights: ${t.model.features.map((f, j) => `${f} ${t.model.weights[j]!.toFixed(3)}`).join(', ')}\n`);
  const before = await linked(test[0], test[1], firstStage);
  const after = await linked(test[0], test[1], { ...firstStage, rerank: { type: 'trained', top: TOP, model: t.model } });
  process.stdout.write(`test ${test[0]} ${JSON.stringify(test[1])} (${before.results.length} queries): Success@1 ${before.s1.toFixed(4)} → ${after.s1.toFixed(4)} with the reranker\n`);
}

try {
  if (!values.group || values.group === 'jobs') await group('jobs', ['jobbert', {}], ['melo', { datasets: ['usa_q_en_c_en'] }]);
  if (!values.group || values.group === 'medical') await group('medical', ['ncbi-disease', { split: 'dev' }], ['ncbi-disease', {}]);
} finally {
  ws.close();
}
