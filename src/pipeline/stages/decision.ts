/**
 * decision: the answer. With a `decision` section, a confidence in [0, 1] for every
 * candidate and a NIL answer when the best candidate is not good enough; always, the top k.
 *
 * Confidence is a logistic model of two features of a candidate, fitted on dev queries
 * (`normkit calibrate`, src/tuning/calibrate.ts) to predict "this candidate is a gold concept":
 *
 *   similarity  the matched term's similarity before the hubness correction (fused, when
 *               there are several generators)
 *   margin      its final score minus the best final score among the other candidates
 *               (positive only for the top candidate)
 *
 *   confidence = σ(w₀ + w₁·similarity + w₂·margin)
 *
 * NIL: the top candidate's confidence is below the section's threshold (the candidates are
 * still listed).
 */
import type { DecisionConfig } from '../config.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

export interface ScoredCandidate {
  score: number;
  /** The score before the hubness correction, when there is one. */
  hubness?: { before: number } | undefined;
}

export interface CandidateFeatures {
  similarity: number;
  margin: number;
}

/** The two features of each candidate of one ranked list. */
export function candidateFeatures(candidates: readonly ScoredCandidate[]): CandidateFeatures[] {
  return candidates.map((c, i) => {
    const other = i === 0 ? candidates[1]?.score : candidates[0]!.score;
    return { similarity: c.hubness?.before ?? c.score, margin: other === undefined ? 1 : c.score - other };
  });
}

export function confidenceOf(weights: readonly [number, number, number], f: CandidateFeatures): number {
  const z = weights[0] + weights[1] * f.similarity + weights[2] * f.margin;
  return 1 / (1 + Math.exp(-z));
}

export class DecisionStage implements Stage {
  readonly name = 'decision';
  /** The top candidate's margin needs the runner-up. */
  readonly reads: number;

  constructor(private readonly decision: DecisionConfig | undefined) {
    this.reads = decision ? 2 : 0;
  }

  run(batch: QueryState[]): void {
    const decision = this.decision;
    for (const q of batch) {
      if (!decision) {
        q.candidates = q.candidates.slice(0, q.k);
        continue;
      }
      const features = candidateFeatures(q.candidates);
      q.candidates = q.candidates.map((c, i) => ({ ...c, confidence: confidenceOf(decision.confidence.weights, features[i]!) })).slice(0, q.k);
      q.nil = !q.candidates.length || q.candidates[0]!.confidence! < decision.nilThreshold;
    }
  }
}

export const decisionStage = defineStage({
  name: 'decision',
  // Every pipeline decides: the top k, and with a decision section confidences and NIL.
  section: (config) => ({ decision: config.decision }),
  build: ({ decision }) => new DecisionStage(decision),
});
