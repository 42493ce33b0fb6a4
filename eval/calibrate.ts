/**
 * The presets' confidence models (src/pipeline/stages/decision.ts), fitted on dev, reported on
 * test (docs/pipelines.md):
 *
 *   tsx eval/calibrate.ts [--group jobs|medical]
 *
 * jobs: fitted on the JobBERT validation split, reliability on MELO usa_q_en_c_en (test).
 * medical: fitted on NCBI-disease dev, reliability on NCBI-disease test.
 * Prints the weights to put in src/pipeline/presets.ts and both reliability tables.
 */
import { parseArgs } from 'node:util';
import type { PipelineConfig } from '../src/pipeline/config.js';
import { preset } from '../src/pipeline/presets.js';
import { evalWorkspace, linkBenchmarkRun } from './shared.js';
import { calibrate } from '../src/tuning/calibrate.js';
import { reliability, type ReliabilityBin } from '../src/metrics/reliability.js';
import { candidateFeatures, confidenceOf } from '../src/pipeline/stages/decision.js';
import type { LinkResult } from '../src/pipeline/result.js';

const { values } = parseArgs({ options: { group: { type: 'string' } } });
const ws = evalWorkspace('calibrate');

async function outcomes(benchmark: string, params: Record<string, unknown>, base: PipelineConfig): Promise<Array<{ candidates: LinkResult['candidates']; gold: string[] }>> {
  const { decision: _d, ...config } = base;
  const { results } = await linkBenchmarkRun(ws, benchmark, params, config, 10);
  return results.map((r) => ({ candidates: r.result.candidates, gold: r.gold }));
}

function table(bins: readonly ReliabilityBin[]): string {
  return ['| confidence | queries | mean confidence | accuracy |', '|---|---:|---:|---:|', ...bins.filter((b) => b.n > 0).map((b) => `| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.n} | ${b.meanConfidence.toFixed(3)} | ${b.accuracy.toFixed(3)} |`)].join('\n');
}

async function group(name: string, dev: [string, Record<string, unknown>], test: [string, Record<string, unknown>]): Promise<void> {
  const base = preset(name);
  const c = calibrate(await outcomes(dev[0], dev[1], base));
  const [w0, w1, w2] = c.decision.confidence.weights;
  process.stdout.write(`\n## ${name}: fitted on ${dev[0]} ${JSON.stringify(dev[1])} (${c.queries} queries)\n\nweights [${w0.toFixed(4)}, ${w1.toFixed(4)}, ${w2.toFixed(4)}]; dev ECE ${c.reliability.ece.toFixed(4)}\n\n${table(c.reliability.bins)}\n`);
  const t = await outcomes(test[0], test[1], base);
  const weights = c.decision.confidence.weights;
  const points = t.filter((o) => o.candidates.length).map((o) => ({ confidence: confidenceOf(weights, candidateFeatures(o.candidates)[0]!), correct: o.gold.includes(o.candidates[0]!.conceptId) }));
  const r = reliability(points);
  process.stdout.write(`\ntest ${test[0]} ${JSON.stringify(test[1])} (${points.length} queries): ECE ${r.ece.toFixed(4)}\n\n${table(r.bins)}\n`);
}

try {
  if (!values.group || values.group === 'jobs') await group('jobs', ['jobbert', {}], ['melo', { datasets: ['usa_q_en_c_en'] }]);
  if (!values.group || values.group === 'medical') await group('medical', ['ncbi-disease', { split: 'dev' }], ['ncbi-disease', {}]);
} finally {
  ws.close();
}
