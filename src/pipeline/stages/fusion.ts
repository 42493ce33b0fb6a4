/**
 * fusion: one score per term from the generators' scores, the term spelled as written put
 * first among exact matches, and the ranking.
 *
 * - weighted: Σ wᵢ·sᵢ, each generator's exact similarity of every returned term (the
 *   lexical index scores the dense terms, the term vectors the lexical ones);
 * - rrf: reciprocal-rank fusion, Σ wᵢ / (rrfK + rankᵢ), ranks from each generator's own list.
 *
 * Normalization can make different terms equal ("Morphines" and "Morphine" both fold to
 * "morphine"): among perfect lexical matches, those whose text is not the query as written
 * lose a hair (`EXACT_TIE_MARGIN`), so the term the user spelled out wins the tie.
 *
 * Ranking: terms by score, ties to the lower term position; when the lexical generator
 * ranked concepts (stages/lexical.ts), concepts by score, ties by id (src/core/rank.ts).
 */
import { foldText } from '../../core/fold.js';
import { compareRanked } from '../../core/rank.js';
import type { IndexedTerm } from '../../lexical/lexical-index.js';
import type { FusionConfig } from '../config.js';
import type { DenseGenerator } from '../dense.js';
import { PERFECT, type GeneratorScore } from '../result.js';
import { defineStage, type QueryState, type RankedTerm, type Stage, type TermScore } from '../stage.js';

/** How much a normalized-only perfect match loses against a match of the text as written. */
export const EXACT_TIE_MARGIN = 1e-4;

export interface FusedTerms {
  /** Every term any generator returned, with its fused score, best first (ties: lower position). */
  list: RankedTerm[];
  /** Each generator's score and rank for a term of the list (explanations). */
  parts(term: number): GeneratorScore[];
}

export interface Fusion {
  /**
   * Fuses one query's lists: the lexical generator's terms (best first), each dense
   * generator's (best first), and `similarity(g, term)`, dense generator g's exact
   * similarity of any term to the query.
   */
  fuse(lexical: readonly TermScore[], dense: ReadonlyArray<readonly TermScore[]>, similarity: (generator: number, term: number) => number): FusedTerms;
}

/** The fusion of a config section over generators named `names` (lexical first, then "dense:<model>" each). */
export function createFusion(config: FusionConfig, names: readonly string[]): Fusion {
  const g = names.length;
  const w = config.weights ?? Array.from({ length: g }, () => 1 / g);
  if (w.length !== g) throw new RangeError(`fusion has ${w.length} weights for ${g} generators`);
  const rrf = config.method === 'rrf';
  return {
    fuse(lexicalList, denseLists, similarity) {
      const lexical = new Map<number, number>();
      for (const hit of lexicalList) lexical.set(hit.term, hit.score);
      let lexRanks: Map<number, number> | undefined;
      const lexRank = (term: number): number | null => {
        lexRanks ??= new Map([...lexical].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([t], i) => [t, i + 1] as const));
        return lexRanks.get(term) ?? null;
      };
      if (g === 1) {
        return {
          list: [...lexical].map(([term, score]) => ({ term, score, lexical: score })).sort(byTermScore),
          parts: (term) => [{ generator: names[0]!, score: lexical.get(term) ?? 0, rank: lexRank(term) }],
        };
      }
      const all = [...new Set<number>([...lexical.keys(), ...denseLists.flatMap((l) => l.map((h) => h.term))])];
      const denseScores = denseLists.map((_, gi) => Float64Array.from(all, (term) => similarity(gi, term)));
      const denseRanks = denseLists.map((l) => new Map(l.map((h, i) => [h.term, i + 1] as const)));
      const list = all.map((term, i): RankedTerm => {
        const lex = lexical.get(term) ?? 0;
        let score: number;
        if (rrf) {
          const r = lexRank(term);
          score = r === null ? 0 : w[0]! / (config.rrfK + r);
          denseRanks.forEach((ranks, gi) => {
            const dr = ranks.get(term);
            if (dr !== undefined) score += w[gi + 1]! / (config.rrfK + dr);
          });
        } else {
          score = w[0]! * lex;
          for (let gi = 0; gi < denseScores.length; gi++) score += w[gi + 1]! * denseScores[gi]![i]!;
        }
        return { term, score, lexical: lex };
      });
      list.sort(byTermScore);
      // Term → position in `all`, for the few terms whose parts are asked for (built on first use).
      let position: Map<number, number> | undefined;
      return {
        list,
        parts: (term) => {
          position ??= new Map(all.map((t, i) => [t, i] as const));
          const i = position.get(term)!;
          return [{ generator: names[0]!, score: lexical.get(term) ?? 0, rank: lexRank(term) }, ...names.slice(1).map((generator, gi) => ({ generator, score: denseScores[gi]![i]!, rank: denseRanks[gi]!.get(term) ?? null }))];
        },
      };
    },
  };
}

/** Terms by score, ties to the lower position. */
function byTermScore(a: TermScore, b: TermScore): number {
  return b.score - a.score || a.term - b.term;
}

/** The perfect lexical matches whose text is not `written` (the query as written, folded), a hair lower. */
export function writtenFormFirst(list: readonly RankedTerm[], written: string, textOf: (term: number) => string): RankedTerm[] {
  return list.map((x) => (x.lexical >= PERFECT && foldText(textOf(x.term)) !== written ? { ...x, score: x.score * (1 - EXACT_TIE_MARGIN) } : x));
}

export class FusionStage implements Stage {
  readonly name = 'fusion';

  constructor(
    private readonly fusion: Fusion,
    private readonly dense: readonly DenseGenerator[],
    private readonly terms: readonly IndexedTerm[],
  ) {}

  run(batch: QueryState[]): void {
    const textOf = (term: number): string => this.terms[term]!.text;
    for (const q of batch) {
      let list: RankedTerm[];
      if (q.unit === 'concept') list = q.lexicalHits;
      else {
        const vectors = q.vectors;
        const fused = this.fusion.fuse(q.lexicalHits, q.denseHits, (gi, term) => {
          let best = -Infinity;
          for (const v of vectors[gi]!) {
            const sim = this.dense[gi]!.similarity(v, term);
            if (sim > best) best = sim;
          }
          return best;
        });
        list = fused.list;
        if (this.dense.length) q.parts = fused.parts;
      }
      // The list comes ranked; only a lowered perfect match can change its order.
      if (q.query.written === undefined || !list.some((x) => x.lexical >= PERFECT)) q.ranked = list;
      else if (q.unit === 'term') q.ranked = writtenFormFirst(list, q.query.written, textOf).sort(byTermScore);
      else q.ranked = writtenFormFirst(list, q.query.written, textOf).sort((a, b) => compareRanked({ id: this.terms[a.term]!.conceptId, score: a.score }, { id: this.terms[b.term]!.conceptId, score: b.score }));
    }
  }
}

export const fusionStage = defineStage({
  name: 'fusion',
  section: (config) => config.fusion,
  build: (section, { resources }) => new FusionStage(createFusion(section, ['lexical', ...resources.dense.map((d) => `dense:${d.config.model}`)]), resources.dense, resources.index.terms),
});
