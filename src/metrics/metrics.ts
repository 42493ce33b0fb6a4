/**
 * Retrieval metrics, with trec_eval's definitions (checked against its test fixtures).
 *
 * A query is scored from its ranked list of ids (the system's order) and its judgments
 * (id → relevance grade). Rules:
 * - Duplicate ids are collapsed before scoring: the first occurrence keeps its rank and
 *   later ones are removed, so a concept found by several terms or generators counts once.
 * - An id is relevant when its grade is ≥ `relevanceLevel` (default 1). Unjudged ids are 0.
 * - Ties: the metrics score the list in the order given. Lists built from scores use
 *   `compareRanked` (src/core/rank.ts): score descending, then id descending — trec_eval's rule.
 * - A query with no relevant judgments is not scored (as in trec_eval); the caller decides
 *   how such (NIL) queries are reported. A query with judgments but an empty list scores 0.
 *
 * Metric names: `success@k`, `recall@k`, `precision@k`, `mrr` / `mrr@k`, `map` / `map@k`,
 * `rprec`, `ndcg` / `ndcg@k` (linear gain = grade, as trec_eval), `ndcg_exp` / `ndcg_exp@k`
 * (gain 2^grade − 1), `acc@1` (the top id is relevant; with one gold id it equals success@1).
 */

export type Judgments = ReadonlyMap<string, number>;

export type MetricKind = 'success' | 'recall' | 'precision' | 'mrr' | 'map' | 'rprec' | 'ndcg' | 'ndcg_exp' | 'acc';

export interface MetricSpec {
  /** The name as written, e.g. "ndcg@10". */
  name: string;
  kind: MetricKind;
  /** Cutoff; undefined means the whole list. */
  k?: number;
}

const NEEDS_K: ReadonlySet<MetricKind> = new Set(['success', 'recall', 'precision', 'acc']);
const KINDS: ReadonlySet<string> = new Set(['success', 'recall', 'precision', 'mrr', 'map', 'rprec', 'ndcg', 'ndcg_exp', 'acc']);

/** Parses "recall@10", "mrr", "ndcg_exp@5". Throws on unknown names. */
export function parseMetric(name: string): MetricSpec {
  const m = /^([a-z_]+)(?:@(\d+))?$/.exec(name);
  if (!m || !KINDS.has(m[1]!)) throw new Error(`unknown metric "${name}" (known: ${[...KINDS].join(', ')}, with @k cutoffs)`);
  const kind = m[1] as MetricKind;
  const k = m[2] === undefined ? undefined : Number(m[2]);
  if (k !== undefined && k < 1) throw new Error(`metric "${name}": the cutoff must be at least 1`);
  if (k === undefined && NEEDS_K.has(kind)) throw new Error(`metric "${name}" needs a cutoff, e.g. ${kind}@10`);
  if (kind === 'rprec' && k !== undefined) throw new Error('rprec takes no cutoff');
  return { name, kind, ...(k !== undefined ? { k } : {}) };
}

/** Removes repeated ids, keeping each id's first (best) position. */
export function collapseDuplicates(ranked: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

export interface ScoreOptions {
  /** Grades at or above this count as relevant. Default 1. */
  relevanceLevel?: number;
}

/** Number of judged ids at or above the relevance level. */
export function numRelevant(judgments: Judgments, relevanceLevel = 1): number {
  let n = 0;
  for (const g of judgments.values()) if (g >= relevanceLevel) n++;
  return n;
}

/**
 * Scores one query. Returns undefined when the query has no relevant judgments.
 * `ranked` may contain duplicates (collapsed here).
 */
export function scoreQuery(
  ranked: readonly string[],
  judgments: Judgments,
  metrics: readonly MetricSpec[],
  options: ScoreOptions = {},
): Record<string, number> | undefined {
  const level = options.relevanceLevel ?? 1;
  const R = numRelevant(judgments, level);
  if (R === 0) return undefined;
  const list = collapseDuplicates(ranked);
  const grade = (i: number): number => judgments.get(list[i]!) ?? 0;
  const isRel = (i: number): boolean => grade(i) >= level;

  // Prefix counts of relevant ids and the rank of the first one.
  const relAt = new Int32Array(list.length + 1);
  let firstRel = -1;
  for (let i = 0; i < list.length; i++) {
    const r = isRel(i);
    relAt[i + 1] = relAt[i]! + (r ? 1 : 0);
    if (r && firstRel < 0) firstRel = i;
  }
  const relInTop = (k: number): number => relAt[Math.min(k, list.length)]!;

  const averagePrecision = (k: number): number => {
    let sum = 0;
    const n = Math.min(k, list.length);
    for (let i = 0; i < n; i++) if (isRel(i)) sum += relAt[i + 1]! / (i + 1);
    return sum / R;
  };

  const idealGains = [...judgments.values()].filter((g) => g > 0).sort((a, b) => b - a);
  const dcg = (gains: (i: number) => number, n: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const g = gains(i);
      if (g > 0) s += g / Math.log2(i + 2);
    }
    return s;
  };
  const ndcg = (k: number | undefined, exp: boolean): number => {
    const gain = (g: number): number => (exp ? 2 ** g - 1 : g);
    const n = k === undefined ? list.length : Math.min(k, list.length);
    const ideal = dcg((i) => gain(idealGains[i]!), k === undefined ? idealGains.length : Math.min(k, idealGains.length));
    if (ideal === 0) return 0;
    return dcg((i) => gain(Math.max(0, grade(i))), n) / ideal;
  };

  const out: Record<string, number> = {};
  for (const m of metrics) {
    const k = m.k ?? Number.POSITIVE_INFINITY;
    switch (m.kind) {
      case 'success':
        out[m.name] = firstRel >= 0 && firstRel < k ? 1 : 0;
        break;
      case 'acc':
        out[m.name] = list.length > 0 && isRel(0) ? 1 : 0;
        break;
      case 'recall':
        out[m.name] = relInTop(k) / R;
        break;
      case 'precision':
        out[m.name] = relInTop(k) / m.k!;
        break;
      case 'mrr':
        out[m.name] = firstRel >= 0 && firstRel < k ? 1 / (firstRel + 1) : 0;
        break;
      case 'map':
        out[m.name] = averagePrecision(k);
        break;
      case 'rprec':
        out[m.name] = relInTop(R) / R;
        break;
      case 'ndcg':
        out[m.name] = ndcg(m.k, false);
        break;
      case 'ndcg_exp':
        out[m.name] = ndcg(m.k, true);
        break;
    }
  }
  return out;
}

/** Mean of each metric over the scored queries. */
export function meanMetrics(perQuery: ReadonlyArray<Record<string, number>>, metrics: readonly MetricSpec[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics) {
    let s = 0;
    for (const q of perQuery) s += q[m.name] ?? 0;
    out[m.name] = perQuery.length ? s / perQuery.length : 0;
  }
  return out;
}
