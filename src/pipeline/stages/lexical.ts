/**
 * lexical: the lexical generator's candidates (char n-gram TF-IDF fused with BM25,
 * src/lexical/lexical-index.ts).
 *
 * Alone and uncorrected it searches concepts: each concept's best term, `k` of them at
 * most, ranked (src/core/rank.ts). When terms are ranked (dense generators to fuse, or the
 * hubness correction) it searches the query's `depth` best terms instead; under weighted
 * fusion it also scores the terms the dense generators found, in the same pass, so every
 * fused term has its exact lexical score. With `normalize.raw: also` the text as written
 * is searched too and each term keeps its better score.
 */
import { compareRanked } from '../../core/rank.js';
import type { ConceptMatch, IndexedTerm, LexicalIndex } from '../../lexical/lexical-index.js';
import type { LexicalConfig } from '../config.js';
import { defineStage, type QueryState, type RankedTerm, type Stage } from '../stage.js';

export class LexicalStage implements Stage {
  readonly name = 'lexical';
  /** Term positions of the index, for concept searches (built on first use). */
  private positions: Map<IndexedTerm, number> | undefined;

  constructor(
    private readonly config: LexicalConfig,
    private readonly index: LexicalIndex,
    private readonly options: { searchRaw: boolean; scoreDenseTerms: boolean },
  ) {}

  run(batch: QueryState[]): void {
    for (const q of batch) {
      if (!q.query.matchable) continue;
      const raw = this.options.searchRaw && q.query.raw !== undefined && q.query.raw !== q.query.normalized ? q.query.raw : undefined;
      q.lexicalHits = q.unit === 'term' ? this.terms(q, raw) : this.concepts(q, raw);
    }
  }

  private terms(q: QueryState, raw: string | undefined): RankedTerm[] {
    const exclude = q.exclude && q.exclude.size ? q.exclude : undefined;
    const also = this.options.scoreDenseTerms && q.denseHits.length ? new Set(q.denseHits.flatMap((l) => l.map((h) => h.term))) : undefined;
    const common = this.config.commonGrams;
    const options = { ...(q.lang ? { lang: q.lang } : {}), ...(exclude ? { exclude } : {}), ...(also ? { also } : {}), ...(common !== undefined ? { commonGrams: common } : {}) };
    const hits = raw !== undefined ? this.index.searchTermsEither(q.query.normalized, raw, q.depth, options) : this.index.searchTerms(q.query.normalized, q.depth, options);
    return hits.map((h) => ({ term: h.term, score: h.score, lexical: h.score }));
  }

  private concepts(q: QueryState, raw: string | undefined): RankedTerm[] {
    const depth = Math.min(q.want, this.config.k);
    const search = q.lang ? { lang: q.lang } : {};
    let matches = this.index.search(q.query.normalized, depth, search);
    if (raw !== undefined) matches = bestPerConcept([...matches, ...this.index.search(raw, depth, search)]).slice(0, depth);
    this.positions ??= new Map(this.index.terms.map((t, i) => [t, i]));
    return matches.map((m) => ({ term: this.positions!.get(m.term)!, score: m.score, lexical: m.score, views: m.views }));
  }
}

/** Each concept once, with its best match, in ranking order. */
function bestPerConcept(matches: ConceptMatch[]): ConceptMatch[] {
  const best = new Map<string, ConceptMatch>();
  for (const m of matches) {
    const prev = best.get(m.conceptId);
    if (!prev || m.score > prev.score) best.set(m.conceptId, m);
  }
  return [...best.values()].sort((a, b) => compareRanked({ id: a.conceptId, score: a.score }, { id: b.conceptId, score: b.score }));
}

export const lexicalStage = defineStage({
  name: 'lexical',
  section: (config) => config.generators[0],
  build: (section, { config, resources }) => new LexicalStage(section, resources.index, { searchRaw: config.normalize.raw === 'also', scoreDenseTerms: config.fusion.method === 'weighted' }),
});
