/**
 * The one ranking order normkit uses everywhere candidates are sorted: score descending,
 * ties broken by id in DESCENDING code-unit order. That is trec_eval's rule (it re-sorts a
 * run by score and breaks ties by docno with strcmp, descending), so a run normkit writes
 * evaluates the same in trec_eval as in normkit's own metrics.
 */
export interface Scored {
  id: string;
  score: number;
}

/** Negative when `a` ranks before `b`. */
export function compareRanked(a: Scored, b: Scored): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether `a` ranks strictly before `b`. */
export function ranksBefore(aScore: number, aId: string, bScore: number, bId: string): boolean {
  return aScore > bScore || (aScore === bScore && aId > bId);
}

/**
 * The candidates in `order` with positional scores: each takes the score the candidate at
 * its new position had, so scores still descend after a stage reorders them (ties, the
 * specificity stage). Unmoved candidates are the same objects.
 */
export function withPositionalScores<C extends { score: number }>(candidates: readonly C[], order: readonly C[]): C[] {
  return order.map((c, i) => (c === candidates[i] ? c : { ...c, score: candidates[i]!.score }));
}
