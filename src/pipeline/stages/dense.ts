/**
 * dense: each dense generator's nearest terms for a query (an encoder over an HNSW graph
 * of the linker's terms, src/pipeline/dense.ts).
 *
 * A batch is encoded at once per generator. With `normalize.raw: also | dense` a query is
 * encoded as written too, when that differs from the pack's output; the two vectors are
 * searched and each term keeps its better score. When both texts embed to the same vector
 * (the encoder folds case as well), one search is made, not the same one twice. A
 * translated query's translations (stages/translate.ts) are encoded and searched too.
 *
 * It runs before the lexical generator: under weighted fusion the lexical search scores
 * the terms the dense generators found in the same pass (stages/lexical.ts).
 */
import type { IndexedTerm } from '../../lexical/lexical-index.js';
import type { DenseGenerator } from '../dense.js';
import { defineStage, type QueryState, type Stage, type TermScore } from '../stage.js';

/** With concepts to leave out, each vector search asks for this many more terms. */
const EXCLUDE_SLACK = 32;

export class DenseStage implements Stage {
  readonly name = 'dense';
  readonly ranksTerms = true;

  constructor(
    private readonly generators: readonly DenseGenerator[],
    private readonly terms: readonly IndexedTerm[],
  ) {}

  async run(batch: QueryState[]): Promise<void> {
    const both = (q: QueryState): boolean => q.query.raw !== undefined && q.input !== q.query.text;
    const texts = batch.flatMap((q) => [...(both(q) ? [q.query.text, q.input] : [q.query.text]), ...q.translations.map((t) => t.text)]);
    const vectors: Float32Array[][] = [];
    for (const d of this.generators) vectors.push(await d.embed(texts));
    let at = 0;
    for (const q of batch) {
      const n = both(q) ? 2 : 1;
      const extra = q.translations.length;
      q.vectors = vectors.map((v) => [...(n === 2 && sameVector(v[at]!, v[at + 1]!) ? [v[at]!] : v.slice(at, at + n)), ...v.slice(at + n, at + n + extra)]);
      at += n + extra;
      if (q.query.matchable) q.denseHits = this.generators.map((d, gi) => this.nearest(d, q.vectors[gi]!, Math.min(q.depth, d.config.k), q.exclude));
    }
  }

  /** A generator's `k` nearest terms over the query's vectors (each term's best score), best first, the excluded concepts left out. */
  private nearest(d: DenseGenerator, vectors: readonly Float32Array[], k: number, exclude: ReadonlySet<string> | undefined): TermScore[] {
    const skip = exclude && exclude.size ? exclude : undefined;
    const best = new Map<number, number>();
    for (const v of vectors) for (const h of d.search(v, skip ? k + EXCLUDE_SLACK : k)) if (!(best.get(h.term)! >= h.score)) best.set(h.term, h.score);
    const hits = [...best].map(([term, score]) => ({ term, score })).sort((a, b) => b.score - a.score || a.term - b.term);
    return (skip ? hits.filter((h) => !skip.has(this.terms[h.term]!.conceptId)) : hits).slice(0, k);
  }
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const denseStage = defineStage({
  name: 'dense',
  section: (config) => (config.generators.length > 1 ? config.generators.slice(1) : undefined),
  build: (_section, { resources }) => new DenseStage(resources.dense, resources.index.terms),
});
