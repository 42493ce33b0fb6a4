/**
 * Building a lexical index's parts from its terms: concepts grouped and ordered, and the
 * two views' weights as CSR postings — char_wb n-gram TF-IDF (smooth idf, optional sublinear
 * tf, L2-normalised per term) and BM25 over stemmed words (the saturated, length-normalised
 * tf stored per posting; the idf applied at query time). The query's side of the char
 * weighting (`charQuery`) lives here too, so that both sides of one formula sit together.
 */
import { charWbNgrams, WordStemmer, wordFeatures } from './features.js';
import type { IndexedTerm, IndexParts, LexicalOptions, Postings } from './types.js';

/** A query's char gram: its id and its weight in the query's unit vector. */
export interface QueryGram {
  g: number;
  w: number;
}

/** CSR postings from per-document feature weights (doc ids ascending within each list). */
function postingsFrom(docFeatures: Array<Map<number, number>>, nFeatures: number, weightOf: (doc: number, feature: number, value: number) => number): Omit<Postings, 'features' | 'idf'> {
  const df = new Int32Array(nFeatures);
  for (const f of docFeatures) for (const g of f.keys()) df[g]!++;
  const offsets = new Int32Array(nFeatures + 1);
  for (let g = 0; g < nFeatures; g++) offsets[g + 1] = offsets[g]! + df[g]!;
  const docs = new Int32Array(offsets[nFeatures]!);
  const weights = new Float32Array(offsets[nFeatures]!);
  const fill = offsets.slice(0, nFeatures);
  docFeatures.forEach((features, doc) => {
    for (const [g, v] of features) {
      const at = fill[g]!++;
      docs[at] = doc;
      weights[at] = weightOf(doc, g, v);
    }
  });
  return { offsets, docs, weights };
}

/** Feature ids in order of first appearance. */
function featureIds(): { ids: Map<string, number>; id(f: string): number } {
  const ids = new Map<string, number>();
  return {
    ids,
    id(f) {
      let i = ids.get(f);
      if (i === undefined) ids.set(f, (i = ids.size));
      return i;
    },
  };
}

/** The parts of an index over `source` (see `LexicalIndex.build`), options defaulted. */
export function buildParts(source: Iterable<IndexedTerm>, options: LexicalOptions): IndexParts {
  const opts: Required<LexicalOptions> = { n: 3, sublinearTf: true, bm25Weight: 0.2, k1: 1.2, b: 0.75, prefixStem: 4, ...options };
  // Group terms by concept, in order of first appearance.
  const byConcept = new Map<string, IndexedTerm[]>();
  for (const t of source) {
    const list = byConcept.get(t.conceptId);
    if (list) list.push(t);
    else byConcept.set(t.conceptId, [t]);
  }
  // Concepts in the order of their first term's text: terms that share grams sit close
  // together, so a gram's postings touch fewer cache lines of the score arrays.
  const firstNorm = (c: string): string => byConcept.get(c)![0]!.norm;
  const conceptIds = [...byConcept.keys()].sort((a, b) => (firstNorm(a) < firstNorm(b) ? -1 : firstNorm(a) > firstNorm(b) ? 1 : 0));
  const terms = conceptIds.flatMap((c) => byConcept.get(c)!);
  const conceptStart = new Int32Array(conceptIds.length + 1);
  conceptIds.forEach((c, i) => (conceptStart[i + 1] = conceptStart[i]! + byConcept.get(c)!.length));
  const langCount = new Map<string, number>();
  for (const t of terms) langCount.set(t.lang, (langCount.get(t.lang) ?? 0) + 1);
  const mainLang = [...langCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'en';
  const N = terms.length;

  // char view
  const cf = featureIds();
  const charDocs = terms.map((t) => {
    const m = new Map<number, number>();
    for (const [g, c] of charWbNgrams(t.norm, opts.n)) m.set(cf.id(g), c);
    return m;
  });
  const cdf = new Int32Array(cf.ids.size);
  for (const d of charDocs) for (const g of d.keys()) cdf[g]!++;
  const charIdf = new Float64Array(cf.ids.size);
  for (let g = 0; g < cdf.length; g++) charIdf[g] = Math.log((1 + N) / (1 + cdf[g]!)) + 1;
  const tf = (c: number): number => (opts.sublinearTf ? 1 + Math.log(c) : c);
  const norms = charDocs.map((d) => {
    let s = 0;
    for (const [g, c] of d) s += (tf(c) * charIdf[g]!) ** 2;
    return Math.sqrt(s) || 1;
  });
  const charPostings = postingsFrom(charDocs, cf.ids.size, (doc, g, c) => (tf(c) * charIdf[g]!) / norms[doc]!);

  // word view
  const wf = featureIds();
  const stemmers = new Map<string, WordStemmer>();
  const stemmer = (lang: string): WordStemmer => {
    let s = stemmers.get(lang);
    if (!s) stemmers.set(lang, (s = new WordStemmer(lang, opts.prefixStem)));
    return s;
  };
  const wordDocs = terms.map((t) => {
    const m = new Map<number, number>();
    for (const [w, c] of wordFeatures(t.norm, stemmer(t.lang))) m.set(wf.id(w), c);
    return m;
  });
  const lengths = wordDocs.map((d) => [...d.values()].reduce((s, c) => s + c, 0));
  const avgdl = lengths.reduce((s, l) => s + l, 0) / Math.max(1, N);
  const wdf = new Int32Array(wf.ids.size);
  for (const d of wordDocs) for (const w of d.keys()) wdf[w]!++;
  const wordIdf = new Float64Array(wf.ids.size);
  for (let w = 0; w < wdf.length; w++) wordIdf[w] = Math.log(1 + (N - wdf[w]! + 0.5) / (wdf[w]! + 0.5));
  const wordPostings = postingsFrom(wordDocs, wf.ids.size, (doc, _w, c) => (c * (opts.k1 + 1)) / (c + opts.k1 * (1 - opts.b + (opts.b * lengths[doc]!) / (avgdl || 1))));

  return {
    options: opts,
    terms,
    conceptIds,
    conceptStart,
    mainLang,
    avgdl: avgdl || 1,
    char: { features: [...cf.ids.keys()], idf: charIdf, ...charPostings },
    word: { features: [...wf.ids.keys()], idf: wordIdf, ...wordPostings },
  };
}

/**
 * The query's char-view features: gram ids with their weights in the query's unit
 * vector, in gram id order. Every search sums a term's grams in that one order, so the
 * float32 sums of a text are the same whichever search makes them (`searchTermsEither`
 * reproduces `searchTerms` exactly).
 */
export function charQueryGrams(norm: string, ids: ReadonlyMap<string, number>, idf: Float64Array, options: Required<LexicalOptions>): QueryGram[] {
  const q: QueryGram[] = [];
  let qn = 0;
  for (const [g, c] of charWbNgrams(norm, options.n)) {
    const id = ids.get(g);
    if (id === undefined) continue; // grams no term has are dropped, as scikit-learn's transform does
    const w = (options.sublinearTf ? 1 + Math.log(c) : c) * idf[id]!;
    q.push({ g: id, w });
    qn += w * w;
  }
  qn = Math.sqrt(qn);
  for (const f of q) f.w /= qn;
  return q.sort((a, b) => a.g - b.g);
}
