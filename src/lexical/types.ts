/**
 * The lexical index's types: the public ones (terms, options, matches, search options, all
 * re-exported by lexical-index.ts) and the internal parts an index is made of, which the
 * builder (postings.ts) and the binary format (format.ts) both produce, so that the class
 * has one constructor for both.
 */

export interface IndexedTerm {
  conceptId: string;
  text: string;
  /** The already-normalised text that is featurised (e.g. `foldText(text)`). */
  norm: string;
  lang: string;
}

export interface LexicalOptions {
  /** Character n-gram length, 2–5. 3 is the usual trade-off: 2 matches too loosely, 4–5 miss short words. Default 3. */
  n?: number;
  /** 1 + ln(tf) instead of raw counts in the char view, damping repeated grams. Default true. */
  sublinearTf?: boolean;
  /** Weight of the BM25 word view in a term's score; 0 switches it off. Default 0.2. */
  bm25Weight?: number;
  /** BM25 term-frequency saturation. Default 1.2. */
  k1?: number;
  /** BM25 length normalisation. Default 0.75. */
  b?: number;
  /**
   * Words of a language without a stemmer (Czech, Polish, Hungarian, the Baltic and South
   * Slavic languages…) are cut to this many letters in the BM25 view (truncation
   * stemming); 0 keeps them whole. Shorter merges more inflections, and more unrelated words.
   * Default 4, the best of 4–7 on ESCO held-out labels in 12 such languages (docs/tuning.md).
   */
  prefixStem?: number;
}

export interface ConceptMatch {
  conceptId: string;
  /** Fused score of the concept's best term. */
  score: number;
  /** That term. */
  term: IndexedTerm;
  /** Each view's score for that term. */
  views: { char: number; bm25: number };
}

export interface SearchOptions {
  /** Query language, for stemming; when absent, the query is stemmed in every language of the index. */
  lang?: string;
}

/**
 * One view's postings in CSR form: the postings of feature f are
 * `docs[offsets[f] .. offsets[f + 1])` (term positions, ascending) with their `weights`.
 */
export interface Postings {
  /** Feature strings by id. */
  features: string[];
  idf: Float64Array;
  offsets: Int32Array;
  docs: Int32Array;
  weights: Float32Array;
}

/** Everything an index is made of; the rest (score arrays, feature id maps) is derived. */
export interface IndexParts {
  options: Required<LexicalOptions>;
  /** Terms, grouped so that each concept's terms are contiguous. */
  terms: IndexedTerm[];
  conceptIds: string[];
  /** Terms of concept c are terms[conceptStart[c] .. conceptStart[c + 1]). */
  conceptStart: Int32Array;
  mainLang: string;
  /** Mean word count of a term (BM25's avgdl), 1 for an empty index. */
  avgdl: number;
  char: Postings;
  word: Postings;
}
