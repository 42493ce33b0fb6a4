/**
 * lexical: the lexical generator's candidates (char n-gram TF-IDF fused with BM25,
 * src/lexical/lexical-index.ts).
 *
 * Alone and uncorrected it searches concepts: each concept's best term, `k` of them at
 * most, ranked (src/core/rank.ts). When terms are ranked (dense generators to fuse, or the
 * hubness correction) it searches the query's `depth` best terms instead; under weighted
 * fusion it also scores the terms the dense generators found, in the same pass, so every
 * fused term has its exact lexical score. With `normalize.raw: also` the text as written
 * is searched too and each term keeps its better score. A translated query's translations
 * (stages/translate.ts) are searched too, each in the vocabulary's language, and every term
 * keeps its best score, a translation's times its weight.
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
      if (q.translations.length) q.lexicalHits = this.withTranslations(q);
    }
  }

  /** The query's hits merged with its translations' (each scaled by its weight): every term or concept at its best. */
  private withTranslations(q: QueryState): RankedTerm[] {
    const best = new Map<number, RankedTerm>();
    const keep = (h: RankedTerm): void => {
      const prev = best.get(h.term);
      if (!prev || h.score > prev.score) best.set(h.term, h);
    };
    q.lexicalHits.forEach(keep);
    for (const t of q.translations) {
      const hits = q.unit === 'term' ? this.terms(q, undefined, t.text, t.lang) : this.concepts(q, undefined, t.text, t.lang);
      for (const h of hits) keep(t.weight === 1 ? h : { ...h, score: h.score * t.weight, lexical: h.lexical * t.weight });
    }
    const merged = [...best.values()];
    if (q.unit === 'term') return merged.sort((a, b) => b.score - a.score || a.term - b.term).slice(0, q.depth);
    const terms = this.index.terms;
    return merged.sort((a, b) => compareRanked({ id: terms[a.term]!.conceptId, score: a.score }, { id: terms[b.term]!.conceptId, score: b.score })).filter(firstPerConcept(terms)).slice(0, Math.min(q.want, this.config.k));
  }

  private terms(q: QueryState, raw: string | undefined, text = q.query.normalized, lang = q.lang): RankedTerm[] {
    const exclude = q.exclude && q.exclude.size ? q.exclude : undefined;
    const also = this.options.scoreDenseTerms && q.denseHits.length ? new Set(q.denseHits.flatMap((l) => l.map((h) => h.term))) : undefined;
    const common = this.config.commonGrams;
    const options = { ...(lang ? { lang } : {}), ...(exclude ? { exclude } : {}), ...(also ? { also } : {}), ...(common !== undefined ? { commonGrams: common } : {}) };
    const hits = raw !== undefined ? this.index.searchTermsEither(text, raw, q.depth, options) : this.index.searchTerms(text, q.depth, options);
    return hits.map((h) => ({ term: h.term, score: h.score, lexical: h.score }));
  }

  private concepts(q: QueryState, raw: string | undefined, text = q.query.normalized, lang = q.lang): RankedTerm[] {
    const depth = Math.min(q.want, this.config.k);
    const search = lang ? { lang } : {};
    let matches = this.index.search(text, depth, search);
    if (raw !== undefined) matches = bestPerConcept([...matches, ...this.index.search(raw, depth, search)]).slice(0, depth);
    this.positions ??= new Map(this.index.terms.map((t, i) => [t, i]));
    return matches.map((m) => ({ term: this.positions!.get(m.term)!, score: m.score, lexical: m.score, views: m.views }));
  }
}

/** A filter that keeps each concept's first term of a list. */
function firstPerConcept(terms: readonly IndexedTerm[]): (h: RankedTerm) => boolean {
  const seen = new Set<string>();
  return (h) => {
    const id = terms[h.term]!.conceptId;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
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
