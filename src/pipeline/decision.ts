/**
 * The decision stage: a confidence in [0, 1] for every candidate, and a NIL answer when the
 * best candidate is not good enough.
 *
 * Confidence is a logistic model of two features of a candidate, fitted on dev queries
 * (`normkit calibrate`) to predict "this candidate is a gold concept":
 *
 *   similarity  the matched term's similarity before the hubness correction (fused, when
 *               there are several generators)
 *   margin      its final score minus the best final score among the other candidates
 *               (positive only for the top candidate)
 *
 *   confidence = σ(w₀ + w₁·similarity + w₂·margin)
 *
 * The NIL threshold is chosen on the same dev queries: the confidence below which the top
 * candidate is withheld. With NIL queries in the dev set (empty gold), the threshold that
 * answers most queries right (a link to a gold concept, or NIL for a NIL query); otherwise
 * the lowest threshold whose answered queries reach `minPrecision`.
 */

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
