/**
 * Reproduces trec_eval's expected outputs (../shared/data/trec_eval_fixtures) with
 * normkit's metrics library: every supported measure, per query and averaged, to 4 decimals.
 * `npm run eval:trec`; also run as part of `npm run eval`. Exit 1 on any difference.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meanMetrics, parseMetric, scoreQuery, type MetricSpec } from '../src/metrics/metrics.js';
import { parseQrels, parseRun } from '../src/metrics/trec.js';
import { sharedDataDir } from './shared.js';

/** trec_eval measure name → normkit metric name. */
export function normkitName(measure: string): string | undefined {
  const fixed: Record<string, string> = { map: 'map', Rprec: 'rprec', recip_rank: 'mrr', ndcg: 'ndcg' };
  if (fixed[measure]) return fixed[measure];
  const m = /^(P|recall|ndcg_cut|map_cut|success)_(\d+)$/.exec(measure);
  if (!m) return undefined;
  const kind = { P: 'precision', recall: 'recall', ndcg_cut: 'ndcg', map_cut: 'map', success: 'success' }[m[1]!]!;
  return `${kind}@${m[2]}`;
}

interface Case {
  out: string;
  qrels: string;
  run: string;
  /** -c: average over every query in the qrels, missing ones scoring 0. */
  complete?: boolean;
  relevanceLevel?: number;
}

export const CASES: Case[] = [
  { out: 'out.test', qrels: 'qrels.test', run: 'results.test' },
  { out: 'out.test.a', qrels: 'qrels.test', run: 'results.test' },
  { out: 'out.test.aq', qrels: 'qrels.test', run: 'results.test' },
  { out: 'out.test.aqc', qrels: 'qrels.test', run: 'results.trunc', complete: true },
  { out: 'out.test.aql', qrels: 'qrels.rel_level', run: 'results.test', relevanceLevel: 2 },
  { out: 'out.test.meas_params', qrels: 'qrels.test', run: 'results.test' },
];

export interface CheckResult {
  compared: number;
  mismatches: string[];
}

export function checkCase(dir: string, c: Case): CheckResult {
  const qrels = parseQrels(readFileSync(join(dir, c.qrels), 'utf8'), c.qrels);
  const { run } = parseRun(readFileSync(join(dir, c.run), 'utf8'), c.run);
  const expected: Array<[string, string, number]> = [];
  for (const line of readFileSync(join(dir, c.out), 'utf8').split('\n')) {
    const [measure, qid, value] = line.trim().split(/\s+/);
    if (!measure || !qid || value === undefined) continue;
    const name = normkitName(measure);
    if (name) expected.push([name, qid, Number(value)]);
  }
  const specs: MetricSpec[] = [...new Set(expected.map(([n]) => n))].map(parseMetric);
  const level = c.relevanceLevel ?? 1;
  const perQuery = new Map<string, Record<string, number>>();
  const qids = c.complete ? [...qrels.keys()] : [...run.keys()].filter((q) => qrels.has(q));
  for (const qid of qids.sort()) {
    const scored = scoreQuery((run.get(qid) ?? []).map((d) => d.id), qrels.get(qid)!, specs, { relevanceLevel: level });
    if (scored) perQuery.set(qid, scored);
  }
  const all = meanMetrics([...perQuery.values()], specs);
  const mismatches: string[] = [];
  for (const [name, qid, want] of expected) {
    const got = qid === 'all' ? all[name] : perQuery.get(qid)?.[name];
    if (got === undefined || Math.abs(got - want) > 0.00005 + 1e-12) {
      mismatches.push(`${c.out}: ${name} ${qid}: trec_eval ${want.toFixed(4)}, normkit ${got === undefined ? 'none' : got.toFixed(4)}`);
    }
  }
  return { compared: expected.length, mismatches };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const shared = sharedDataDir();
  if (!shared) {
    process.stdout.write('../shared/data not found: trec_eval fixture check skipped\n');
    process.exit(0);
  }
  const dir = join(shared, 'trec_eval_fixtures');
  let total = 0;
  const bad: string[] = [];
  for (const c of CASES) {
    const r = checkCase(dir, c);
    total += r.compared;
    bad.push(...r.mismatches);
    process.stdout.write(`${c.out.padEnd(22)} ${r.compared} values, ${r.mismatches.length} differ\n`);
  }
  for (const b of bad.slice(0, 40)) process.stdout.write(`  ${b}\n`);
  process.stdout.write(bad.length ? `${bad.length} of ${total} values differ from trec_eval\n` : `all ${total} values match trec_eval to 4 decimals\n`);
  process.exit(bad.length ? 1 : 0);
}
