/**
 * The shape of eval/results/<benchmark>.json, written by the benchmark runner and read by
 * EVALUATION.md and the HTML report.
 */

/** Headline metrics every run reports. */
export const HEADLINE_METRICS = ['success@1', 'success@5', 'success@10', 'recall@10', 'mrr', 'ndcg@10', 'map'] as const;
export type HeadlineMetric = (typeof HEADLINE_METRICS)[number];

export interface AblationResult {
  /** The stage switched off, e.g. "normalize", "train-synonyms". */
  stage: string;
  metrics: Record<string, number>;
  /** metric(ablated) − metric(full), with a paired bootstrap 95% interval. */
  delta: Record<string, { mean: number; lo: number; hi: number }>;
}

export interface RunResult {
  /** e.g. "usa_q_en_c_en", "es", "test". */
  name: string;
  /** Query language when one applies (per-language charts). */
  lang?: string;
  /** The preset of this run when it is not the benchmark's (the cross-lingual runs). */
  preset?: string;
  split: string;
  /** Queries scored. */
  n: number;
  /** Queries left out (gold not in the vocabulary, NIL…), with the reason. */
  dropped: Record<string, number>;
  /** Headline metrics plus any benchmark-specific ones (e.g. recall@100). */
  metrics: Record<string, number>;
  /** success@k for k = 1..maxK, for Success@k curves. */
  successCurve: number[];
  queriesPerSecond: number;
  /** Skewness of the N_10 distribution of the results (hubness); absent in older results. */
  n10Skewness?: number;
  indexBuildSeconds: number;
  /** Vocabulary size the run searched. */
  vocabulary: { name: string; concepts: number; terms: number };
  ablations: AblationResult[];
}

export interface BenchmarkResult {
  benchmark: string;
  /** "jobs" | "medical" | "mapping" | "retrieval" | "metrics". */
  group: string;
  title: string;
  preset: string;
  /** Metric to headline in tables and the CI gate. */
  headline: string;
  runs: RunResult[];
  /** Mean over runs of each metric (macro average), when there are several. */
  macro?: Record<string, number>;
  notes: string[];
  date: string;
  machine: string;
  command: string;
  seconds: number;
}
