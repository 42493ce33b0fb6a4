/**
 * LexicalIndex: exact sparse top-k over every term of a vocabulary, with two views.
 *
 * - **char**: character n-gram TF-IDF, scikit-learn's `char_wb` analyzer — words padded with
 *   a space, n-grams inside words (3 by default), smooth idf ln((1+N)/(1+df))+1, optional
 *   sublinear tf (1+ln tf), L2-normalised vectors: scores are cosines in [0, 1]. Robust to
 *   typos, inflection and word order.
 * - **bm25**: Okapi BM25 over stemmed words (k1 = 1.2, b = 0.75 by default), each term a
 *   document, stemmed by its language (natural's stemmers). Scores are divided by the score
 *   of a term made of exactly the query's words, so they are in [0, 1] too (about; a term
 *   shorter than the query can pass 1): a term that shares one word of four gets a quarter,
 *   not all, of the view. Rewards shared whole words.
 *
 * A term's score is (1 − w)·char + w·bm25, w the bm25 weight (0 switches the view off);
 * a concept's score is its best term's, and that term is returned.
 *
 * Search accumulates both views into dense per-term float32 arrays, listing each term it
 * touches, then offers the touched terms to a bounded heap of concepts: the cost is one
 * pass over the postings of the query's features plus one pass over the touched terms (or,
 * in a term search whose postings outnumber the terms, one pass over every term). Terms of one
 * concept are stored next to each other, and concepts in the order of their first term's
 * text, so a gram's postings fall on nearby memory. This file holds the searches (the hot
 * loops); postings.ts builds the views, format.ts stores them, and concept-heap.ts and
 * common-grams.ts serve the searches.
 */
import { TopScores } from '../core/top-k.js';
import { buildCommonGrams, commonScore, splitCommon, type CommonGrams } from './common-grams.js';
import { ConceptHeap } from './concept-heap.js';
import { WordStemmer, wordFeatures } from './features.js';
import { readIndex, writeIndex } from './format.js';
import { buildParts, charQueryGrams, type QueryGram } from './postings.js';
import type { ConceptMatch, IndexedTerm, IndexParts, LexicalOptions, Postings, SearchOptions } from './types.js';

export { charWbNgrams } from './features.js';
export type { ConceptMatch, IndexedTerm, LexicalOptions, SearchOptions } from './types.js';

/**
 * A term search (`searchTerms`, the fused pipelines' search) whose char grams' postings
 * number at least this many times the terms sums without listing the terms it reaches and
 * ranks by reading every term (`everyTerm`). On ESCO and JobBERT titles (33,096 terms;
 * 42,757 postings and 18,550 terms reached per title on average) about half the titles
 * qualify, and the `jobs` preset linked 3–8% faster (paired runs). The concept search (`search`) keeps
 * the list: reading every term there made the `lexical` preset 15–18% slower. The results
 * are the same either way (the same sums in the same order; the heap does not depend on
 * the order terms are offered in). Settable for tests and benchmarks.
 */
export const EVERY_TERM_SHARE = { value: 1 };

/** With common grams left out of a term search, it ranks this many times k candidates before completing their scores. */
const COMMON_GRAM_DEPTH = 2;

export class LexicalIndex {
  readonly options: Required<LexicalOptions>;
  /** Terms, grouped so that each concept's terms are contiguous. */
  readonly terms: IndexedTerm[];
  readonly conceptIds: string[];
  /** The most common term language. */
  readonly mainLang: string;
  /** Every term language, most common first: queries without a language are stemmed in each. */
  readonly langs: string[];
  /** Mean word count of a term (BM25's avgdl). */
  private readonly avgdl: number;
  private readonly char: Postings & { ids: Map<string, number> };
  private readonly word: Postings & { ids: Map<string, number> };
  /** Terms of concept c are terms[conceptStart[c] .. conceptStart[c + 1]). */
  private readonly conceptStart: Int32Array;
  /** Concept index of each term (non-decreasing, since concepts' terms are contiguous). */
  private readonly termConcept: Int32Array;
  /**
   * Per-term score accumulators (float32: half the memory traffic of float64 in the
   * posting loops, ~15% faster searches; sums of a few dozen products keep 6–7 digits).
   */
  private readonly charScores: Float32Array;
  private readonly wordScores: Float32Array;
  /** The second query's scores in `searchTermsEither`. */
  private readonly charScoresB: Float32Array;
  private readonly wordScoresB: Float32Array;
  /** Terms touched by the current query (a term is new while both its scores are 0). */
  private readonly touched: Int32Array;
  private nTouched = 0;
  /**
   * The current search sums into the score arrays without listing the terms it touches,
   * and ranks by reading every term: chosen when the query's postings reach most terms
   * anyway (EVERY_TERM_SHARE), where listing them cost more than the scan saves.
   */
  private everyTerm = false;
  /** Each term's common grams, for the last `commonGrams` limit searched (`commonIndex`). */
  private commonGramsOf: CommonGrams | undefined;
  /** The current query's weight of each of its common grams, by gram id (0 elsewhere). */
  private readonly commonWeight: Float32Array;
  /** Heap slot of each concept during a search, −1 when not in the heap. */
  private readonly slotOf: Int32Array;
  private readonly stemmers = new Map<string, WordStemmer>();

  private constructor(init: IndexParts) {
    this.avgdl = init.avgdl;
    this.options = init.options;
    this.terms = init.terms;
    this.conceptIds = init.conceptIds;
    this.conceptStart = init.conceptStart;
    this.mainLang = init.mainLang;
    const counts = new Map<string, number>();
    for (const t of init.terms) counts.set(t.lang, (counts.get(t.lang) ?? 0) + 1);
    this.langs = [...counts].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    this.char = { ...init.char, ids: new Map(init.char.features.map((f, i) => [f, i])) };
    this.word = { ...init.word, ids: new Map(init.word.features.map((f, i) => [f, i])) };
    const n = init.terms.length;
    this.termConcept = new Int32Array(n);
    for (let c = 0; c < init.conceptIds.length; c++) this.termConcept.fill(c, init.conceptStart[c]!, init.conceptStart[c + 1]!);
    this.charScores = new Float32Array(n);
    this.wordScores = new Float32Array(n);
    this.charScoresB = new Float32Array(n);
    this.wordScoresB = new Float32Array(n);
    this.touched = new Int32Array(n + 1); // + 1: the hot loops write one slot past the last kept term
    this.slotOf = new Int32Array(init.conceptIds.length).fill(-1);
    this.commonWeight = new Float32Array(init.char.features.length);
  }

  static build(source: Iterable<IndexedTerm>, options: LexicalOptions = {}): LexicalIndex {
    return new LexicalIndex(buildParts(source, options));
  }

  get size(): number {
    return this.terms.length;
  }

  private stemmerFor(lang: string): WordStemmer {
    let s = this.stemmers.get(lang);
    if (!s) this.stemmers.set(lang, (s = new WordStemmer(lang, this.options.prefixStem ?? 0)));
    return s;
  }

  /** The query's char grams with their weights, in gram id order (`charQueryGrams`). */
  private charQuery(norm: string): QueryGram[] {
    return charQueryGrams(norm, this.char.ids, this.char.idf, this.options);
  }

  /**
   * Adds the query's char grams' postings to `charScores`, listing in `touched` the terms
   * reached for the first time; with `everyTermAllowed`, none when the postings outnumber
   * the terms (`everyTerm`).
   */
  private addGrams(q: ReadonlyArray<{ g: number; w: number }>, everyTermAllowed = false): void {
    const { offsets, docs, weights } = this.char;
    const { charScores: scores, touched } = this;
    let n = this.nTouched;
    if (n === 0 && everyTermAllowed) {
      let postings = 0;
      for (const { g } of q) postings += offsets[g + 1]! - offsets[g]!;
      if (postings >= this.terms.length * EVERY_TERM_SHARE.value) {
        // The same sums in the same order, without the touched list.
        this.everyTerm = true;
        for (const { g, w } of q) for (let i = offsets[g]!, end = offsets[g + 1]!; i < end; i++) scores[docs[i]!]! += w * weights[i]!;
        return;
      }
    }
    for (const { g, w } of q) {
      if (n === 0) {
        // The first gram: every term is new (a gram's postings list a term once).
        for (let i = offsets[g]!, end = offsets[g + 1]!; i < end; i++) {
          const d = docs[i]!;
          touched[n++] = d;
          scores[d] = w * weights[i]!;
        }
        continue;
      }
      for (let i = offsets[g]!, end = offsets[g + 1]!; i < end; i++) {
        const d = docs[i]!;
        const v = scores[d]!;
        // Appended always, kept only when new: a compare-and-add, not a branch that the
        // CPU mispredicts on most postings (this loop is most of a search's time).
        touched[n] = d;
        n += +(v === 0);
        scores[d] = v + w * weights[i]!;
      }
    }
    this.nTouched = n;
  }

  /**
   * Each term's common grams (in more than `limit` terms): built on the first search that
   * leaves grams above that limit out, kept for the next.
   */
  private commonIndex(limit: number): CommonGrams {
    if (this.commonGramsOf?.limit === limit) return this.commonGramsOf;
    this.commonGramsOf = buildCommonGrams(this.char, this.terms.length, limit);
    return this.commonGramsOf;
  }

  /**
   * The query's stemmed words. With a known language, that language's stemmer; without one,
   * the stems of every language the vocabulary has (so "infarto de miocardio" meets a
   * Spanish term however it was asked).
   */
  private queryWords(norm: string, lang: string | undefined): Map<string, number> {
    if (lang) return wordFeatures(norm, this.stemmerFor(lang));
    const out = new Map<string, number>();
    for (const l of this.langs) for (const [w, c] of wordFeatures(norm, this.stemmerFor(l))) if (!out.has(w)) out.set(w, c);
    return out;
  }

  /**
   * Adds the query's BM25 view into `wordScores` (listing new terms); returns the BM25
   * score of a term made of exactly the query's words, which scales the view to [0, 1]
   * (0 when no query word is in the vocabulary). A term matching one query word of four
   * gets about a quarter of the view's weight, however poor the best match is.
   */
  private accumulateWords(norm: string, lang: string | undefined, scores = this.wordScores, others: readonly Float32Array[] = [this.charScores]): number {
    const { ids, idf, offsets, docs, weights } = this.word;
    const { touched } = this;
    const { k1, b } = this.options;
    const words = [...this.queryWords(norm, lang)].filter(([w]) => ids.has(w));
    const length = words.reduce((a, [, c]) => a + c, 0);
    let self = 0;
    let n = this.nTouched;
    for (const [w, c] of words) {
      const id = ids.get(w)!;
      self += idf[id]! * ((c * (k1 + 1)) / (c + k1 * (1 - b + (b * length) / this.avgdl)));
      const qw = idf[id]! * c;
      if (this.everyTerm) {
        for (let i = offsets[id]!, end = offsets[id + 1]!; i < end; i++) scores[docs[i]!]! += qw * weights[i]!;
        continue;
      }
      for (let i = offsets[id]!, end = offsets[id + 1]!; i < end; i++) {
        const d = docs[i]!;
        // New while every score of it is 0 (all are ≥ 0, so while their sum is): see addGrams.
        let sum = scores[d]!;
        for (let o = 0; o < others.length; o++) sum += others[o]![d]!;
        touched[n] = d;
        n += +(sum === 0);
        scores[d]! += qw * weights[i]!;
      }
    }
    this.nTouched = n;
    return self;
  }

  /**
   * The k concepts whose best term is most similar to `norm` (an already-normalised query),
   * in ranking order (src/core/rank.ts: score, then id descending).
   */
  search(norm: string, k = 10, options: SearchOptions = {}): ConceptMatch[] {
    if (k <= 0) return [];
    const wordWeight = this.options.bm25Weight;
    const charW = 1 - wordWeight;
    // Char grams first, then words: a term is new to the touched list while both of its
    // scores are still 0 (every weight is positive).
    this.addGrams(this.charQuery(norm));
    const wordNorm = wordWeight > 0 ? this.accumulateWords(norm, options.lang) : 0;
    const wordW = wordNorm > 0 ? wordWeight / wordNorm : 0;
    if (this.nTouched === 0) return [];

    // Each touched term once: below the heap's floor it is skipped at the cost of one
    // comparison; otherwise it enters the heap or raises its concept's score there.
    const { touched, charScores, wordScores, termConcept, conceptIds } = this;
    const heap = new ConceptHeap(k, conceptIds, this.slotOf);
    for (let i = 0, n = this.nTouched; i < n; i++) {
      const d = touched[i]!;
      const cs = charScores[d]!;
      const ws = wordScores[d]!;
      const s = charW * cs + wordW * ws;
      if (s > 0 && s >= heap.floor) heap.offer(s, termConcept[d]!, d, cs, ws);
    }
    this.clearScores(charScores, wordScores);
    heap.release();
    return heap.sorted().map((h) => ({
      conceptId: conceptIds[h.concept]!,
      score: h.score,
      term: this.terms[h.term]!,
      views: { char: h.char, bm25: wordNorm > 0 ? h.word / wordNorm : 0 },
    }));
  }

  /**
   * The k best terms (not concepts) for `norm`, as term positions in `terms` with their fused
   * scores, best first (ties: lower position). Terms of the concepts in `exclude` are
   * skipped. Terms in `also` are returned too, wherever they rank, when they score above 0
   * (fusion: the lexical scores of terms another generator found). The hubness correction re-scores these before taking the best per concept.
   * With `commonGrams`, the grams in more than that share of the terms are left out of the
   * candidate search (`splitCommon`) and added to the best max(2k, k + 20) candidates' and
   * the `also` terms' scores, which are then exact.
   */
  searchTerms(norm: string, k: number, options: SearchOptions & { exclude?: ReadonlySet<string>; also?: ReadonlySet<number>; commonGrams?: number } = {}): Array<{ term: number; score: number }> {
    if (k <= 0 && !options.also?.size) return [];
    const wordWeight = this.options.bm25Weight;
    const charW = 1 - wordWeight;
    const q = this.charQuery(norm);
    const { rare, common, limit } = splitCommon(q, options.commonGrams, this.char.offsets, this.terms.length);
    const commonIndex = common.length ? this.commonIndex(limit) : undefined;
    for (const { g, w } of common) this.commonWeight[g] = w;
    this.addGrams(rare, true);
    const wordNorm = wordWeight > 0 ? this.accumulateWords(norm, options.lang) : 0;
    const wordW = wordNorm > 0 ? wordWeight / wordNorm : 0;
    const { charScores, wordScores, termConcept, conceptIds } = this;
    const list = this.everyTerm ? undefined : this.touched;
    const skip = options.exclude && options.exclude.size > 0 ? options.exclude : undefined;
    // With common grams left out, a deeper list of candidates, each then completed exactly.
    const depth = common.length && k > 0 ? Math.max(COMMON_GRAM_DEPTH * k, k + 20) : Math.max(k, 0);
    const heap = new TopScores(depth);
    // The `also` terms first, scored and then zeroed, so the loop below ranks only the others.
    const extra: Array<{ term: number; score: number }> = [];
    for (const d of options.also ?? []) {
      if (!(d >= 0 && d < termConcept.length)) continue;
      const s = charW * (charScores[d]! + (commonIndex ? commonScore(commonIndex, this.commonWeight, d) : 0)) + wordW * wordScores[d]!;
      if (s > 0 && !(skip && skip.has(conceptIds[termConcept[d]!]!))) extra.push({ term: d, score: s });
      charScores[d] = 0;
      wordScores[d] = 0;
    }
    if (k > 0) {
      // The heap's floor (and 0) kept in a local, read again only after an offer.
      let floor = Math.max(0, heap.floor);
      for (let i = 0, n = list ? this.nTouched : termConcept.length; i < n; i++) {
        const d = list ? list[i]! : i;
        const s = charW * charScores[d]! + wordW * wordScores[d]!;
        if (s > floor && !(skip && skip.has(conceptIds[termConcept[d]!]!))) {
          heap.offer(s, d);
          floor = Math.max(0, heap.floor);
        }
      }
    }
    let top: Array<{ term: number; score: number }>;
    if (commonIndex) {
      top = heap
        .sorted()
        .map((h) => ({ term: h.index, score: h.score + charW * commonScore(commonIndex, this.commonWeight, h.index) }))
        .sort((a, b) => b.score - a.score || a.term - b.term)
        .slice(0, k);
      for (const { g } of common) this.commonWeight[g] = 0;
    } else top = heap.sorted().map((h) => ({ term: h.index, score: h.score }));
    this.clearScores(charScores, wordScores);
    if (!extra.length) return top;
    // The `also` terms with their scores, merged into the ranking.
    return [...top, ...extra].sort((a, b) => b.score - a.score || a.term - b.term);
  }

  /**
   * `searchTerms` for two texts of one query (normalized, and as written), merged: each
   * term keeps the better of its two scores, exactly as two searches merged by maximum,
   * but the postings of the grams the texts share are read once.
   */
  searchTermsEither(a: string, b: string, k: number, options: SearchOptions & { exclude?: ReadonlySet<string>; also?: ReadonlySet<number> } = {}): Array<{ term: number; score: number }> {
    if (a === b) return this.searchTerms(a, k, options);
    if (k <= 0 && !options.also?.size) return [];
    const wordWeight = this.options.bm25Weight;
    const charW = 1 - wordWeight;
    const { charScores: ca, charScoresB: cb, wordScores: wa, wordScoresB: wb, touched } = this;
    // Char grams of both texts merged in gram id order, each posting list read once: each
    // text's sums are made in the order searchTerms makes them (adding 0 changes no sum).
    const qa = this.charQuery(a);
    const qb = this.charQuery(b);
    const grams: Array<[number, number, number]> = [];
    for (let i = 0, j = 0; i < qa.length || j < qb.length; ) {
      const ga = i < qa.length ? qa[i]!.g : Infinity;
      const gb = j < qb.length ? qb[j]!.g : Infinity;
      const g = Math.min(ga, gb);
      grams.push([g, ga === g ? qa[i++]!.w : 0, gb === g ? qb[j++]!.w : 0]);
    }
    const { offsets, docs, weights } = this.char;
    let n = this.nTouched;
    for (const [g, w1, w2] of grams) {
      for (let i = offsets[g]!, end = offsets[g + 1]!; i < end; i++) {
        const d = docs[i]!;
        const x = weights[i]!;
        touched[n] = d; // see addGrams
        n += +(ca[d]! + cb[d]! === 0);
        ca[d]! += w1 * x;
        cb[d]! += w2 * x;
      }
    }
    this.nTouched = n;
    let wordNormA = 0;
    let wordNormB = 0;
    if (wordWeight > 0) {
      wordNormA = this.accumulateWords(a, options.lang, wa, [ca, cb, wb]);
      wordNormB = this.accumulateWords(b, options.lang, wb, [ca, cb, wa]);
    }
    const wordWA = wordNormA > 0 ? wordWeight / wordNormA : 0;
    const wordWB = wordNormB > 0 ? wordWeight / wordNormB : 0;
    const { termConcept, conceptIds } = this;
    const skip = options.exclude && options.exclude.size > 0 ? options.exclude : undefined;
    const heapA = new TopScores(Math.max(k, 0));
    const heapB = new TopScores(Math.max(k, 0));
    // The `also` terms first, scored and then zeroed, so the loop below ranks only the others.
    const extra = new Map<number, number>();
    for (const d of options.also ?? []) {
      if (!(d >= 0 && d < termConcept.length)) continue;
      const sa = charW * ca[d]! + wordWA * wa[d]!;
      const sb = charW * cb[d]! + wordWB * wb[d]!;
      if ((sa > 0 || sb > 0) && !(skip && skip.has(conceptIds[termConcept[d]!]!))) extra.set(d, Math.max(sa > 0 ? sa : -Infinity, sb > 0 ? sb : -Infinity));
      ca[d] = 0;
      cb[d] = 0;
      wa[d] = 0;
      wb[d] = 0;
    }
    if (k > 0) {
      for (let i = 0, n = this.nTouched; i < n; i++) {
        const d = touched[i]!;
        const sa = charW * ca[d]! + wordWA * wa[d]!;
        const sb = charW * cb[d]! + wordWB * wb[d]!;
        if ((sa > heapA.floor || sb > heapB.floor) && !(skip && skip.has(conceptIds[termConcept[d]!]!))) {
          if (sa > 0 && sa > heapA.floor) heapA.offer(sa, d);
          if (sb > 0 && sb > heapB.floor) heapB.offer(sb, d);
        }
      }
    }
    this.clearScores(ca, cb, wa, wb);
    const best = new Map<number, number>();
    for (const h of [...heapA.sorted(), ...heapB.sorted()]) if (!(best.get(h.index)! >= h.score)) best.set(h.index, h.score);
    for (const [d, v] of extra) best.set(d, v);
    return [...best].map(([term, score]) => ({ term, score })).sort((x, y) => y.score - x.score || x.term - y.term);
  }

  /**
   * Zeroes the touched terms' scores for the next search (and empties `touched`): one by
   * one when few were touched, else the whole arrays (a memset is cheaper than thousands
   * of scattered stores).
   */
  private clearScores(...scores: Float32Array[]): void {
    const { touched } = this;
    const n = this.nTouched;
    for (const a of scores) {
      if (this.everyTerm || n > a.length >> 4) a.fill(0);
      else for (let i = 0; i < n; i++) a[touched[i]!] = 0;
    }
    this.nTouched = 0;
    this.everyTerm = false;
  }

  /** Position range of a concept's terms in `terms` (contiguous). */
  conceptTerms(conceptIndex: number): [number, number] {
    return [this.conceptStart[conceptIndex]!, this.conceptStart[conceptIndex + 1]!];
  }

  /** Concept index (into `conceptIds`) of the term at a position. */
  conceptOf(term: number): number {
    return this.termConcept[term]!;
  }

  /** The index as bytes (see `fromBuffer`, format.ts), for caching beside the vocabulary. */
  toBuffer(): Buffer {
    const { options, terms, conceptIds, conceptStart, mainLang, avgdl, char, word } = this;
    return writeIndex({ options, terms, conceptIds, conceptStart, mainLang, avgdl, char, word });
  }

  /** Reads an index written by `toBuffer`. Throws if the bytes are not one. */
  static fromBuffer(buf: Buffer): LexicalIndex {
    return new LexicalIndex(readIndex(buf));
  }
}

