/**
 * Common grams left out of a term search's candidate pass (`searchTerms`' `commonGrams`):
 * the char grams in more than a share of the terms hold most postings but add little to a
 * ranking (their idf is low), so the candidates are found from the rare grams alone and the
 * common grams' part is added afterwards, from a by-term index of them, to the few terms
 * that need it — which makes those terms' scores exact again.
 */
import type { QueryGram } from './postings.js';
import type { Postings } from './types.js';

/** Each term's common grams with their weights: term t's are `grams[offsets[t] .. offsets[t + 1])`. */
export interface CommonGrams {
  /** The posting-count limit above which a gram is common. */
  limit: number;
  offsets: Int32Array;
  grams: Int32Array;
  weights: Float32Array;
}

/**
 * Splits a query's char grams into the rare ones, summed over their postings, and the
 * common ones (in more than `share` of the `nTerms` terms), left for `commonScore`.
 * Nothing is left out when the rare grams carry less than half the query's weight.
 */
export function splitCommon(q: QueryGram[], share: number | undefined, offsets: Int32Array, nTerms: number): { rare: QueryGram[]; common: QueryGram[]; limit: number } {
  if (share === undefined || !(share < 1)) return { rare: q, common: [], limit: Infinity };
  const limit = share * nTerms;
  const rare: QueryGram[] = [];
  const common: QueryGram[] = [];
  let rareWeight = 0;
  for (const f of q) {
    if (offsets[f.g + 1]! - offsets[f.g]! > limit) common.push(f);
    else {
      rare.push(f);
      rareWeight += f.w * f.w;
    }
  }
  return common.length && rareWeight >= 0.5 ? { rare, common, limit } : { rare: q, common: [], limit: Infinity };
}

/** The common grams (in more than `limit` terms) of each of `nTerms` terms, in one pass over their postings. */
export function buildCommonGrams(char: Pick<Postings, 'offsets' | 'docs' | 'weights'>, nTerms: number, limit: number): CommonGrams {
  const { offsets, docs, weights } = char;
  const nGrams = offsets.length - 1;
  const starts = new Int32Array(nTerms + 1);
  for (let g = 0; g < nGrams; g++) if (offsets[g + 1]! - offsets[g]! > limit) for (let i = offsets[g]!; i < offsets[g + 1]!; i++) starts[docs[i]! + 1]!++;
  for (let t = 0; t < nTerms; t++) starts[t + 1]! += starts[t]!;
  const fill = starts.slice(0, nTerms);
  const grams = new Int32Array(starts[nTerms]!);
  const gramWeights = new Float32Array(grams.length);
  for (let g = 0; g < nGrams; g++) {
    if (offsets[g + 1]! - offsets[g]! <= limit) continue;
    for (let i = offsets[g]!; i < offsets[g + 1]!; i++) {
      const at = fill[docs[i]!]!++;
      grams[at] = g;
      gramWeights[at] = weights[i]!;
    }
  }
  return { limit, offsets: starts, grams, weights: gramWeights };
}

/** A term's char score from the query's common grams, `queryWeight` holding their weights by gram id (0 elsewhere). */
export function commonScore(index: CommonGrams, queryWeight: Float32Array, term: number): number {
  const { offsets, grams, weights } = index;
  let s = 0;
  for (let j = offsets[term]!, end = offsets[term + 1]!; j < end; j++) s += queryWeight[grams[j]!]! * weights[j]!;
  return s;
}
