/**
 * The `jobs` preset's search settings against accuracy and time, on the JobBERT validation
 * split (dev), linking k = 5 concepts per title as the HTTP API does:
 *
 *   npm run eval:depth -- 30,40,dense 30,40,also 50,50
 *
 * Each argument is K′,ef[,raw[,common]]: K′ the fused terms the hubness correction re-scores
 * (and the depth of both generators' searches), ef the HNSW search breadth, raw the
 * pipeline's `normalize.raw` (also: both generators also search the title as written;
 * dense: only the encoder does; empty or absent: the preset's), common the lexical
 * generator's `commonGrams` share (1: no gram left out; absent: the preset's), e.g.
 * `30,30,,1 30,30,,0.05`. A request for k concepts searches max(k, K′) terms,
 * so `npm run eval` (k = 100) does not exercise K′: this does. Prints Success@1, Success@5
 * and the seconds each run took (the encoder is trained and cached on the first run), and
 * for each setting after the first, its paired bootstrap difference from the first.
 */
import { pairedBootstrap } from '../src/metrics/bootstrap.js';
import { meanMetrics, parseMetric, scoreQuery } from '../src/metrics/metrics.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { preset } from '../src/pipeline/presets.js';
import { evalWorkspace, linkBenchmarkRun } from './shared.js';

const RAW = ['also', 'dense', 'never'] as const;
type Raw = (typeof RAW)[number];
const settings = process.argv.slice(2).map((arg) => {
  const [kp, ef, raw, common] = arg.split(',');
  const k = Number(kp);
  const e = Number(ef);
  const c = common === undefined ? undefined : Number(common);
  if (!Number.isInteger(k) || !Number.isInteger(e) || k < 1 || e < 1 || (raw !== undefined && raw !== '' && !RAW.includes(raw as Raw)) || (c !== undefined && !(c > 0 && c <= 1))) {
    throw new Error(`expected K′,ef[,raw[,common]]: two positive integers, optionally one of ${RAW.join(', ')}, optionally a share in (0, 1] (got "${arg}")`);
  }
  return { kp: k, ef: e, raw: (raw || undefined) as Raw | undefined, common: c, label: arg };
});
if (!settings.length) throw new Error('usage: npm run eval:depth -- K′,ef[,raw] [K′,ef[,raw] …]');
const METRICS = [parseMetric('success@1'), parseMetric('success@5')];
const ws = evalWorkspace('depth');
try {
  let first: Array<Record<string, number>> | undefined;
  for (const { kp, ef, raw, common, label } of settings) {
    const base = preset('jobs');
    const config = parsePipeline({
      ...base,
      normalize: { ...base.normalize, ...(raw ? { raw } : {}) },
      generators: base.generators.map((g) => (g.type === 'dense' ? { ...g, ef } : common !== undefined ? { ...g, commonGrams: common } : g)),
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
    let line = `${label} (K′ ${kp}, ef ${ef}, raw ${config.normalize.raw}${common !== undefined ? `, common grams > ${common}` : ''}): ${perQuery.length} titles, Success@1 ${mean['success@1']!.toFixed(4)}, Success@5 ${mean['success@5']!.toFixed(4)} (${seconds.toFixed(0)} s)`;
    if (!first) first = perQuery;
    else if (first.length === perQuery.length) {
      const diff = (m: string): string => {
        const d = pairedBootstrap(first!.map((q) => q[m]!), perQuery.map((q) => q[m]!));
        const pts = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
        return `${m} ${pts(d.mean)} points [${pts(d.lo)}, ${pts(d.hi)}]`;
      };
      line += `; against ${settings[0]!.label}: ${diff('success@1')}, ${diff('success@5')}`;
    }
    process.stdout.write(`${line}\n`);
  }
} finally {
  ws.close();
}
