/**
 * Character n-gram TF-IDF over every term of a vocabulary, searched exactly through an
 * inverted index. This is the first lexical candidate generator: it needs no model and
 * is robust to typos, inflection and word order.
 *
 * Features follow scikit-learn's `analyzer="char_wb"`: each word is padded with a space
 * on both sides and cut into n-grams; a word shorter than n is one gram. Weights are
 * tf × smooth idf, idf = ln((1 + N) / (1 + df)) + 1, with optional sublinear tf
 * (1 + ln tf), and every vector is L2-normalised, so scores are cosines in [0, 1].
 */

import { ranksBefore } from '../rank.js';

export interface CharTfidfOptions {
  /** n-gram length. 3 is the usual trade-off: 2 matches too loosely, 4–5 miss short words. Default 3. */
  n?: number;
  /** Use 1 + ln(tf) instead of raw counts, damping repeated grams. Default false. */
  sublinearTf?: boolean;
}

export interface IndexedTerm {
  conceptId: string;
  text: string;
  /** The already-normalised text that is featurised (e.g. `foldText(text)`). */
  norm: string;
  lang: string;
}

const FORMAT = 'normkit-char-tfidf-1';

interface PostingData {
  grams: string[];
  idf: Float64Array;
  offsets: Int32Array;
  docs: Int32Array;
  weights: Float32Array;
}

export interface ConceptMatch {
  conceptId: string;
  /** Cosine similarity of the query and the concept's best-matching term. */
  score: number;
  /** That term. */
  term: IndexedTerm;
}

/** Character n-grams of `text` with their counts, scikit-learn `char_wb` style. */
export function charWbNgrams(text: string, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const w = ` ${word} `;
    if (w.length <= n) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      continue;
    }
    for (let i = 0; i + n <= w.length; i++) {
      const g = w.slice(i, i + n);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

export class CharTfidfIndex {
  readonly n: number;
  readonly sublinearTf: boolean;
  readonly terms: IndexedTerm[];
  private readonly idf: Float64Array;
  private readonly gramIds: Map<string, number>;
  /** Postings in CSR form: gram g's terms are postingDocs[offsets[g] .. offsets[g+1]), with their weights in each term's unit vector. */
  private readonly offsets: Int32Array;
  private readonly postingDocs: Int32Array;
  private readonly postingWeights: Float32Array;
  /** Concept of each term, as an index into `conceptIds`. */
  private readonly termConcept: Int32Array;
  private readonly conceptIds: string[];
  // Scratch space reused by every search (searches are synchronous, so never shared).
  private readonly scores: Float32Array;
  private readonly touchedDocs: Int32Array;
  private readonly bestScore: Float32Array;
  private readonly bestDoc: Int32Array;
  private readonly touchedConcepts: Int32Array;

  private constructor(terms: IndexedTerm[], options: Required<CharTfidfOptions>, data: PostingData) {
    this.terms = terms;
    this.n = options.n;
    this.sublinearTf = options.sublinearTf;
    this.gramIds = new Map(data.grams.map((g, i) => [g, i]));
    this.idf = data.idf;
    this.offsets = data.offsets;
    this.postingDocs = data.docs;
    this.postingWeights = data.weights;
    const conceptIndex = new Map<string, number>();
    this.conceptIds = [];
    this.termConcept = new Int32Array(terms.length);
    terms.forEach((t, i) => {
      let c = conceptIndex.get(t.conceptId);
      if (c === undefined) {
        c = this.conceptIds.length;
        conceptIndex.set(t.conceptId, c);
        this.conceptIds.push(t.conceptId);
      }
      this.termConcept[i] = c;
    });
    this.scores = new Float32Array(terms.length);
    this.touchedDocs = new Int32Array(terms.length);
    this.bestScore = new Float32Array(this.conceptIds.length).fill(-1);
    this.bestDoc = new Int32Array(this.conceptIds.length);
    this.touchedConcepts = new Int32Array(this.conceptIds.length);
  }

  static build(source: Iterable<IndexedTerm>, options: CharTfidfOptions = {}): CharTfidfIndex {
    const opts = { n: options.n ?? 3, sublinearTf: options.sublinearTf ?? false };
    const terms: IndexedTerm[] = [];
    const docGrams: Array<Map<number, number>> = [];
    const gramIds = new Map<string, number>();
    const df: number[] = [];
    for (const t of source) {
      const grams = new Map<number, number>();
      for (const [g, c] of charWbNgrams(t.norm, opts.n)) {
        let id = gramIds.get(g);
        if (id === undefined) {
          id = gramIds.size;
          gramIds.set(g, id);
          df.push(0);
        }
        grams.set(id, c);
        df[id]!++;
      }
      terms.push(t);
      docGrams.push(grams);
    }
    const N = terms.length;
    const idf = new Float64Array(df.length);
    for (let g = 0; g < df.length; g++) idf[g] = Math.log((1 + N) / (1 + df[g]!)) + 1;

    const offsets = new Int32Array(df.length + 1);
    for (let g = 0; g < df.length; g++) offsets[g + 1] = offsets[g]! + df[g]!;
    const docs = new Int32Array(offsets[df.length]!);
    const weights = new Float32Array(offsets[df.length]!);
    const fill = offsets.slice(0, df.length);
    docGrams.forEach((grams, doc) => {
      let norm = 0;
      const ws: Array<[number, number]> = [];
      for (const [g, c] of grams) {
        const w = (opts.sublinearTf ? 1 + Math.log(c) : c) * idf[g]!;
        ws.push([g, w]);
        norm += w * w;
      }
      norm = Math.sqrt(norm) || 1;
      for (const [g, w] of ws) {
        const at = fill[g]!++;
        docs[at] = doc;
        weights[at] = w / norm;
      }
    });
    return new CharTfidfIndex(terms, opts, { grams: [...gramIds.keys()], idf, offsets, docs, weights });
  }

  /** The index as bytes (see `fromBuffer`), for caching beside the vocabulary. */
  toBuffer(): Buffer {
    const header = JSON.stringify({
      format: FORMAT,
      n: this.n,
      sublinearTf: this.sublinearTf,
      grams: [...this.gramIds.keys()],
      terms: this.terms.map((t) => [t.conceptId, t.text, t.norm, t.lang]),
      sizes: [this.idf.length, this.offsets.length, this.postingDocs.length],
    });
    const head = Buffer.from(header, 'utf8');
    const len = Buffer.alloc(8);
    len.writeUInt32LE(head.length, 0);
    // Pad the header so the typed arrays that follow start 8-byte aligned.
    const pad = Buffer.alloc((8 - ((8 + head.length) % 8)) % 8);
    const arr = (a: Float64Array | Int32Array | Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([len, head, pad, arr(this.idf), arr(this.offsets), arr(this.postingDocs), arr(this.postingWeights)]);
  }

  /** Reads an index written by `toBuffer`. Throws if the bytes are not one. */
  static fromBuffer(buf: Buffer): CharTfidfIndex {
    const headLen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(8, 8 + headLen).toString('utf8')) as {
      format: string;
      n: number;
      sublinearTf: boolean;
      grams: string[];
      terms: Array<[string, string, string, string]>;
      sizes: [number, number, number];
    };
    if (header.format !== FORMAT) throw new Error(`not a ${FORMAT} index (found ${String(header.format)})`);
    let at = 8 + headLen + ((8 - ((8 + headLen) % 8)) % 8);
    const take = <T extends Float64Array | Int32Array | Float32Array>(C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
      const bytes = count * C.BYTES_PER_ELEMENT;
      const copy = new Uint8Array(bytes);
      copy.set(buf.subarray(at, at + bytes));
      at += bytes;
      return new C(copy.buffer);
    };
    const [nGrams, nOffsets, nnz] = header.sizes;
    const idf = take(Float64Array, nGrams);
    const offsets = take(Int32Array, nOffsets);
    const docs = take(Int32Array, nnz);
    const weights = take(Float32Array, nnz);
    const terms = header.terms.map(([conceptId, text, norm, lang]) => ({ conceptId, text, norm, lang }));
    return new CharTfidfIndex(terms, { n: header.n, sublinearTf: header.sublinearTf }, { grams: header.grams, idf, offsets, docs, weights });
  }

  get size(): number {
    return this.terms.length;
  }

  /**
   * The k concepts whose best term is most similar to `norm` (an already-normalised query).
   * Concepts are ordered by `compareRanked` (score, then id descending); a concept's best
   * term is its highest-scoring one, the first in index order on a tie.
   */
  search(norm: string, k = 10): ConceptMatch[] {
    const query: Array<[number, number]> = [];
    let qn = 0;
    for (const [g, c] of charWbNgrams(norm, this.n)) {
      const id = this.gramIds.get(g);
      if (id === undefined) continue; // grams no term has are dropped, as scikit-learn's transform does
      const w = (this.sublinearTf ? 1 + Math.log(c) : c) * this.idf[id]!;
      query.push([id, w]);
      qn += w * w;
    }
    if (query.length === 0 || k <= 0) return [];
    qn = Math.sqrt(qn);
    const { scores, touchedDocs, bestScore, bestDoc, touchedConcepts, termConcept } = this;
    let nDocs = 0;
    const { offsets, postingDocs: docs, postingWeights: weights } = this;
    for (const [g, w] of query) {
      const qw = w / qn;
      for (let i = offsets[g]!, end = offsets[g + 1]!; i < end; i++) {
        const d = docs[i]!;
        if (scores[d] === 0) touchedDocs[nDocs++] = d;
        scores[d]! += qw * weights[i]!;
      }
    }
    // Best term per concept.
    let nConcepts = 0;
    for (let i = 0; i < nDocs; i++) {
      const d = touchedDocs[i]!;
      const s = scores[d]!;
      scores[d] = 0;
      const c = termConcept[d]!;
      const prev = bestScore[c]!;
      if (prev < 0) {
        touchedConcepts[nConcepts++] = c;
        bestScore[c] = s;
        bestDoc[c] = d;
      } else if (s > prev || (s === prev && d < bestDoc[c]!)) {
        bestScore[c] = s;
        bestDoc[c] = d;
      }
    }
    // Top k in ranking order (src/rank.ts) with a bounded min-heap.
    const heap: number[] = [];
    const ids = this.conceptIds;
    const worse = (a: number, b: number): boolean => ranksBefore(bestScore[b]!, ids[b]!, bestScore[a]!, ids[a]!);
    for (let i = 0; i < nConcepts; i++) {
      const c = touchedConcepts[i]!;
      if (heap.length < k) {
        heap.push(c);
        siftUp(heap, heap.length - 1, worse);
      } else if (worse(heap[0]!, c)) {
        heap[0] = c;
        siftDown(heap, 0, worse);
      }
    }
    heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    const out = heap.map((c) => ({ conceptId: this.conceptIds[c]!, score: bestScore[c]!, term: this.terms[bestDoc[c]!]! }));
    for (let i = 0; i < nConcepts; i++) bestScore[touchedConcepts[i]!] = -1;
    return out;
  }
}

/** Heap helpers: `worse(a, b)` orders the heap so the worst kept item is at the root. */
function siftUp(heap: number[], i: number, worse: (a: number, b: number) => boolean): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!worse(heap[i]!, heap[p]!)) break;
    [heap[i], heap[p]] = [heap[p]!, heap[i]!];
    i = p;
  }
}

function siftDown(heap: number[], i: number, worse: (a: number, b: number) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
