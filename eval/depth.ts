/**
 * The `jobs` preset's search depth against accuracy and time, on the JobBERT validation
 * split (dev), linking k = 5 concepts per title as the HTTP API does:
 *
 *   npm run eval:depth -- 200,400 50,50 30,40
 *
 * Each argument is K′,ef: K′ the fused terms the hubness correction re-scores (and the
 * depth of both generators' searches), ef the HNSW search breadth. A request for k concepts
 * searches max(k, K′) terms, so `npm run eval` (k = 100) does not exercise K′: this does.
 * Prints Success@1, Success@5 and the seconds each run took (the encoder is trained and
 * cached on the first run).
 */
import { meanMetrics, parseMetric, scoreQuery } from '../src/eval/metrics.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { preset } from '../src/pipeline/presets.js';
import { evalWorkspace, linkBenchmarkRun } from './shared.js';

const combos = process.argv.slice(2).map((arg) => {
  const [kp, ef] = arg.split(',').map(Number);
  if (!Number.isInteger(kp) || !Number.isInteger(ef) || kp! < 1 || ef! < 1) throw new Error(`expected K′,ef as two positive integers (got "${arg}")`);
  return [kp!, ef!] as const;
});
if (!combos.length) throw new Error('usage: npm run eval:depth -- K′,ef [K′,ef …]');
const METRICS = [parseMetric('success@1'), parseMetric('success@5')];
const ws = evalWorkspace('depth');
try {
  for (const [kp, ef] of combos) {
    const base = preset('jobs');
    const config = parsePipeline({
      ...base,
      generators: base.generators.map((g) => (g.type === 'dense' ? { ...g, ef } : g)),
      hubness: { ...base.hubness!, candidates: kp },
    });
    const started = performance.now();
    const { results } = await linkBenchmarkRun(ws, 'jobbert', {}, config, 5);
    const seconds = (performance.now() - started) / 1000;
    const perQuery: Array<Record<string, number>> = [];
    for (const { result, gold } of results) {
      const scored = scoreQuery(result.candidates.map((c) => c.conceptId), new Map(gold.map((g) => [g, 1])), METRICS);
      if (scored) perQuery.push(scored);
    }
    const mean = meanMetrics(perQuery, METRICS);
    process.stdout.write(`K′ ${kp}, ef ${ef}: ${perQuery.length} titles, Success@1 ${mean['success@1']!.toFixed(4)}, Success@5 ${mean['success@5']!.toFixed(4)} (${seconds.toFixed(0)} s)\n`);
  }
} finally {
  ws.close();
}
