/**
 * Calibration of the decision stage (`normkit calibrate`): a logistic confidence model of
 * a candidate's similarity and margin, fitted on dev queries, and the NIL threshold chosen
 * on the same queries (src/pipeline/stages/decision.ts says what the features are).
 *
 * The NIL threshold: with NIL queries in the dev set (empty gold), the threshold that
 * answers most queries right (a link to a gold concept, or NIL for a NIL query); otherwise
 * the lowest threshold whose answered queries reach `minPrecision` (0 without it).
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { readQueries } from '../io/queries.js';
import { reliability, type ReliabilityBin } from '../metrics/reliability.js';
import type { DecisionConfig, PipelineConfig } from '../pipeline/config.js';
import { Linker } from '../pipeline/linker.js';
import type { VocabStore } from '../store/store.js';
import { candidateFeatures, confidenceOf, type CandidateFeatures, type ScoredCandidate } from '../pipeline/stages/decision.js';

/**
 * Logistic regression by Newton's method (three parameters: the Hessian is 3 × 3), with a
 * small L2 penalty so separable data still converge.
 */
export function fitLogistic(xs: ReadonlyArray<CandidateFeatures>, ys: ReadonlyArray<0 | 1>, l2 = 1e-3): [number, number, number] {
  let w: [number, number, number] = [0, 0, 0];
  for (let iter = 0; iter < 50; iter++) {
    const g = [0, 0, 0];
    const h = [
      [l2, 0, 0],
      [0, l2, 0],
      [0, 0, l2],
    ];
    for (let j = 0; j < 3; j++) g[j] = l2 * w[j]!;
    xs.forEach((f, i) => {
      const x = [1, f.similarity, f.margin];
      const p = confidenceOf(w, f);
      const r = p - ys[i]!;
      const s = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < 3; a++) {
        g[a]! += r * x[a]!;
        for (let b = 0; b < 3; b++) h[a]![b]! += s * x[a]! * x[b]!;
      }
    });
    const step = solve3(h, g);
    w = [w[0] - step[0], w[1] - step[1], w[2] - step[2]];
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return w;
}

function solve3(a: number[][], b: number[]): [number, number, number] {
  // Gaussian elimination with partial pivoting.
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]! || 1e-12;
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / d;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [m[0]![3]! / (m[0]![0]! || 1e-12), m[1]![3]! / (m[1]![1]! || 1e-12), m[2]![3]! / (m[2]![2]! || 1e-12)];
}

export interface DevOutcome {
  /** The dev query's ranked candidates. */
  candidates: ReadonlyArray<ScoredCandidate & { conceptId: string }>;
  /** Gold concepts; empty for a NIL query. */
  gold: readonly string[];
}

export interface Calibration {
  decision: DecisionConfig;
  /** On the dev queries, top-1 confidences. */
  reliability: { bins: ReliabilityBin[]; ece: number };
  /** Dev queries answered (not NIL) and the precision and recall of those answers. */
  answered: number;
  precision: number;
  /** NIL queries in the dev set, and how many of them the threshold turns into NIL. */
  nilQueries: number;
  nilCorrect: number;
  queries: number;
}

/** Fits the confidence and chooses the NIL threshold on dev outcomes. */
export function calibrate(outcomes: readonly DevOutcome[], options: { minPrecision?: number } = {}): Calibration {
  const xs: CandidateFeatures[] = [];
  const ys: Array<0 | 1> = [];
  for (const o of outcomes) {
    if (o.gold.length === 0) {
      // A NIL query: none of its candidates is right.
      candidateFeatures(o.candidates.slice(0, 5)).forEach((f) => (xs.push(f), ys.push(0)));
      continue;
    }
    const gold = new Set(o.gold);
    candidateFeatures(o.candidates.slice(0, 5)).forEach((f, i) => (xs.push(f), ys.push(gold.has(o.candidates[i]!.conceptId) ? 1 : 0)));
  }
  const weights = fitLogistic(xs, ys);
  const top = outcomes.map((o) => {
    const f = o.candidates.length ? candidateFeatures(o.candidates)[0]! : undefined;
    return { confidence: f ? confidenceOf(weights, f) : 0, correct: o.gold.length > 0 && o.candidates.length > 0 && o.gold.includes(o.candidates[0]!.conceptId), nil: o.gold.length === 0 };
  });
  const nilQueries = top.filter((t) => t.nil).length;
  const thresholds = [0, ...[...new Set(top.map((t) => t.confidence))].sort((a, b) => a - b)];
  const evaluate = (th: number): { right: number; answered: number; correctAnswered: number; nilCorrect: number } => {
    let right = 0;
    let answered = 0;
    let correctAnswered = 0;
    let nilCorrect = 0;
    for (const t of top) {
      const isNil = t.confidence < th;
      if (!isNil) {
        answered++;
        if (t.correct) correctAnswered++;
      } else if (t.nil) nilCorrect++;
      if ((isNil && t.nil) || (!isNil && t.correct)) right++;
    }
    return { right, answered, correctAnswered, nilCorrect };
  };
  let threshold = 0;
  if (options.minPrecision !== undefined) {
    threshold = thresholds.find((th) => {
      const e = evaluate(th);
      return e.answered > 0 && e.correctAnswered / e.answered >= options.minPrecision!;
    }) ?? 1;
  } else if (nilQueries > 0) {
    let best = -1;
    for (const th of thresholds) {
      const e = evaluate(th);
      if (e.right > best) {
        best = e.right;
        threshold = th;
      }
    }
  }
  const e = evaluate(threshold);
  return {
    decision: { confidence: { weights }, nilThreshold: threshold },
    reliability: reliability(top),
    answered: e.answered,
    precision: e.answered ? e.correctAnswered / e.answered : 0,
    nilQueries,
    nilCorrect: e.nilCorrect,
    queries: outcomes.length,
  };
}

/** `normkit calibrate`: fits the confidence and the NIL threshold on dev queries and returns the pipeline with its decision section. */
export async function calibrateCommand(
  store: VocabStore,
  vocabulary: string,
  pipeline: PipelineConfig,
  options: { dataDir: string; queriesFile: string; minPrecision?: number; progress?: Progress },
): Promise<{ calibration: Calibration; pipeline: PipelineConfig }> {
  const { queries } = await readQueries(options.queriesFile);
  if (queries.length === 0) throw new UsageError(`${options.queriesFile} has no queries`);
  const { decision: _decision, ...undecided } = pipeline;
  const linker = await Linker.build(store, vocabulary, undecided, { cacheDir: join(options.dataDir, 'indexes'), dataDir: options.dataDir, ...(options.progress ? { progress: options.progress } : {}) });
  try {
    const results = await linker.linkMany(queries, 10);
    const calibration = calibrate(
      results.map((r, i) => ({ candidates: r.candidates, gold: queries[i]!.gold })),
      options.minPrecision === undefined ? {} : { minPrecision: options.minPrecision },
    );
    return { calibration, pipeline: { ...pipeline, decision: calibration.decision } };
  } finally {
    await linker.close();
  }
}
