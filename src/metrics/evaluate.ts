/**
 * Runs a linker over a query set and scores it (metrics.ts).
 *
 * Each query is linked once, retrieving `depth` candidates; every metric is computed on
 * that list (so MRR and MAP are "@depth"). Queries with an empty gold list are NIL queries:
 * they are counted but not scored. Queries whose gold concepts are all outside the linker's
 * vocabulary are scored (they can only fail) and counted in `goldMissing`.
 */
import type { Linker } from '../pipeline/linker.js';
import type { Query } from '../io/queries.js';
import { kOccurrence } from '../hubness/dbnorm.js';
import { meanMetrics, parseMetric, scoreQuery, type MetricSpec } from './metrics.js';
import { reliability, type ReliabilityBin } from './reliability.js';
import type { LinkCandidate, LinkResult } from '../pipeline/result.js';

export const DEFAULT_METRICS = ['success@1', 'success@5', 'success@10', 'recall@10', 'mrr', 'ndcg@10', 'map'];

export interface EvaluateOptions {
  /** Candidates retrieved per query. Default 10. */
  depth?: number;
  metrics?: readonly string[];
  /** Also compute success@1..curveMax (capped at depth). Default 0 (none). */
  curveMax?: number;
}

export interface QueryOutcome {
  qid: string;
  text: string;
  normalized: string;
  gold: string[];
  /** The top KEPT_CANDIDATES candidates (the metrics use all `depth`). */
  candidates: LinkCandidate[];
  /** 1-based rank of the first gold concept, or null when none was retrieved. */
  goldRank: number | null;
  rulesFired: string[];
  /** Per-query metrics; undefined for NIL queries. */
  metrics?: Record<string, number>;
}

export interface EvaluationReport {
  /** Scored queries. */
  n: number;
  nil: number;
  goldMissing: number;
  depth: number;
  metrics: Record<string, number>;
  successCurve: number[];
  queriesPerSecond: number;
  indexBuildSeconds: number;
  /** Hubness of the results: N_10 (top-10 occurrences of each concept) over these queries. */
  hubness: HubnessStats;
  /** Reliability of the top-1 confidence, when the pipeline has a calibrated decision stage. */
  calibration?: { bins: ReliabilityBin[]; ece: number };
  outcomes: QueryOutcome[];
}

export interface HubnessStats {
  /** Skewness of the N_10 distribution over every concept the linker searches. */
  skewness: number;
  /** Share of all top-10 slots taken by the 1% most frequent concepts. */
  topShare: number;
}

/** N_k hubness statistics of ranked concept lists, over a gallery of `concepts` concepts. */
export function hubnessOf(lists: ReadonlyArray<readonly string[]>, concepts: number, k = 10): HubnessStats {
  const ids = new Map<string, number>();
  const rows = lists.map((l) => l.slice(0, k).map((id) => (ids.has(id) ? ids.get(id)! : (ids.set(id, ids.size), ids.size - 1))));
  const { skewness, topShare } = kOccurrence(rows, Math.max(concepts, ids.size));
  return { skewness, topShare };
}

/** Queries linked per call (the dense generators encode each batch at once). */
const LINK_BATCH = 256;
/**
 * Candidates an outcome keeps: enough for the error analysis (top 5), the hubness
 * statistics (top 10) and the calibration (top 1). Keeping all `depth` of them, with their
 * explanations, took gigabytes on the JobBERT set with ablations.
 */
export const KEPT_CANDIDATES = 10;

export async function evaluateLinker(linker: Linker, queries: readonly Query[], options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const depth = options.depth ?? 10;
  const specs: MetricSpec[] = (options.metrics ?? DEFAULT_METRICS).map(parseMetric);
  const curveMax = Math.min(options.curveMax ?? 0, depth);
  const curveSpecs = Array.from({ length: curveMax }, (_, i) => parseMetric(`success@${i + 1}`));
  const outcomes: QueryOutcome[] = [];
  let nil = 0;
  let goldMissing = 0;
  const started = performance.now();
  let results: LinkResult[] = [];
  for (const [qi, q] of queries.entries()) {
    if (qi % LINK_BATCH === 0) results = await linker.linkMany(queries.slice(qi, qi + LINK_BATCH), depth);
    const r = results[qi % LINK_BATCH]!;
    const ranked = r.candidates.map((c) => c.conceptId);
    const gold = new Set(q.gold);
    const at = ranked.findIndex((id) => gold.has(id));
    const outcome: QueryOutcome = {
      qid: q.qid,
      text: q.text,
      normalized: r.normalized,
      gold: q.gold,
      candidates: r.candidates.slice(0, KEPT_CANDIDATES),
      goldRank: at >= 0 ? at + 1 : null,
      rulesFired: r.rulesFired,
    };
    if (q.gold.length === 0) nil++;
    else {
      if (!q.gold.some((g) => linker.hasConcept(g))) goldMissing++;
      outcome.metrics = scoreQuery(ranked, new Map(q.gold.map((g) => [g, 1])), [...specs, ...curveSpecs])!;
    }
    outcomes.push(outcome);
  }
  const seconds = (performance.now() - started) / 1000;
  const scored = outcomes.flatMap((o) => (o.metrics ? [o.metrics] : []));
  const curve = meanMetrics(scored, curveSpecs);
  return {
    n: scored.length,
    nil,
    goldMissing,
    depth,
    metrics: meanMetrics(scored, specs),
    successCurve: curveSpecs.map((s) => curve[s.name]!),
    queriesPerSecond: queries.length / Math.max(seconds, 1e-9),
    indexBuildSeconds: linker.buildSeconds,
    hubness: hubnessOf(
      outcomes.map((o) => o.candidates.map((c) => c.conceptId)),
      linker.concepts,
    ),
    // With a calibrated decision stage: how well the top-1 confidence matches accuracy.
    ...(linker.config.decision
      ? {
          calibration: reliability(
            outcomes.filter((o) => o.gold.length > 0 && o.candidates.length > 0).map((o) => ({ confidence: o.candidates[0]!.confidence ?? 0, correct: o.goldRank === 1 })),
          ),
        }
      : {}),
    outcomes,
  };
}

/** One line of the `--errors` analysis file. */
export function errorRecord(o: QueryOutcome, name: (id: string) => string | undefined): Record<string, unknown> {
  return {
    qid: o.qid,
    query: o.text,
    normalized: o.normalized,
    gold: o.gold.map((id) => ({ id, name: name(id) ?? null })),
    top5: o.candidates.slice(0, 5).map((c) => ({ id: c.conceptId, name: name(c.conceptId) ?? null, score: Number(c.score.toFixed(6)), term: c.term.text, lang: c.term.lang })),
    goldRank: o.goldRank,
    correct: o.goldRank === 1,
    rulesFired: o.rulesFired,
  };
}
