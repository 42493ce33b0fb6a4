/**
 * Reliability of confidences: equal-width bins of the top-1 confidence against how often
 * those answers are right, and the expected calibration error (ECE).
 */
export interface ReliabilityBin {
  /** Confidence range [from, to). */
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  /** Share of these top candidates that are gold. */
  accuracy: number;
}

/** Reliability of top-1 confidences: 10 equal-width bins and the expected calibration error. */
export function reliability(points: ReadonlyArray<{ confidence: number; correct: boolean }>, bins = 10): { bins: ReliabilityBin[]; ece: number } {
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, n: 0, meanConfidence: 0, accuracy: 0 }));
  for (const p of points) {
    const b = out[Math.min(bins - 1, Math.floor(p.confidence * bins))]!;
    b.n++;
    b.meanConfidence += p.confidence;
    b.accuracy += p.correct ? 1 : 0;
  }
  let ece = 0;
  for (const b of out) {
    if (b.n === 0) continue;
    b.meanConfidence /= b.n;
    b.accuracy /= b.n;
    ece += (b.n / Math.max(1, points.length)) * Math.abs(b.meanConfidence - b.accuracy);
  }
  return { bins: out, ece };
}
