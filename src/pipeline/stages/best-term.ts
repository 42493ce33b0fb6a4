/**
 * best-term: from ranked terms to ranked concepts. Each concept appears once, at the rank
 * of its best term, which is the term shown as matched; the first `want` concepts are kept.
 * A candidate carries what the earlier stages know of that term: the lexical views (concept
 * searches), the score before the hubness correction, each generator's score and rank.
 */
import type { IndexedTerm } from '../../lexical/lexical-index.js';
import type { LinkCandidate } from '../result.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

export class BestTermStage implements Stage {
  readonly name = 'best-term';

  /** `generator`: what a candidate found by term ranking is attributed to ("fusion" with several generators). */
  constructor(
    private readonly terms: readonly IndexedTerm[],
    private readonly generator: string,
    private readonly lexicalName: string,
  ) {}

  run(batch: QueryState[]): void {
    for (const q of batch) {
      const candidates: LinkCandidate[] = [];
      const candidateTerms: IndexedTerm[] = [];
      const seen = new Set<string>();
      const correction = q.correction;
      for (const x of q.ranked) {
        const t = this.terms[x.term]!;
        if (seen.has(t.conceptId)) continue;
        seen.add(t.conceptId);
        candidateTerms.push(t);
        const term = { text: t.text, lang: t.lang };
        candidates.push(
          q.unit === 'concept'
            ? { conceptId: t.conceptId, score: x.score, term, generator: this.lexicalName, ...(x.views ? { views: x.views } : {}) }
            : {
                conceptId: t.conceptId,
                score: x.score,
                term,
                generator: this.generator,
                ...(correction ? { hubness: { method: correction.method, before: correction.before(x.term)! } } : {}),
                ...(q.parts ? { generators: q.parts(x.term) } : {}),
              },
        );
        if (candidates.length >= q.want) break;
      }
      q.candidates = candidates;
      q.candidateTerms = candidateTerms;
    }
  }
}

export const bestTermStage = defineStage({
  name: 'best-term',
  section: (config) => config.generators,
  build: (generators, { resources }) => new BestTermStage(resources.index.terms, generators.length > 1 ? 'fusion' : generators[0].type, generators[0].type),
});
