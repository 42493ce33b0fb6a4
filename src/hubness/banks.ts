/**
 * The two banks of the hubness correction, and their hits over a gallery of terms.
 *
 * - **Query bank**: training mentions or queries when a benchmark or user has them
 *   (`LinkerOptions.queryBank`); otherwise synthetic queries: a seeded sample of the
 *   vocabulary's terms, held out from their own concept and run through the query-side
 *   normalization (rule pack, folding) as a real query would be.
 * - **Gallery bank**: a seeded sample of the vocabulary's terms as they are indexed, each
 *   with its own concept's terms left out.
 *
 * A bank's hits are each item's top `depth` terms; normalizers for any β are computed
 * from them in milliseconds (dbnorm.ts), so tuning β never searches again.
 */
import { seededRandom } from '../core/random.js';
import type { BankHits } from './dbnorm.js';

export interface BankQuery {
  /** The text as the retriever sees it (already normalized). */
  norm: string;
  lang?: string | undefined;
  /** Concepts whose terms this bank item does not count (its own). */
  exclude: readonly string[];
  /** The item's query vector for each dense generator, when the linker has any. */
  vectors?: readonly Float32Array[];
}

/** The linker's top terms (gallery positions, fused similarities) for one bank item, the concepts in `exclude` left out. */
export type TermRetriever = (query: BankQuery, depth: number, exclude: ReadonlySet<string>) => Array<{ term: number; score: number }>;

/** A seeded sample of `size` distinct indices of 0..n−1, in sampled order (a prefix of a larger sample is a smaller sample). */
export function sampleIndices(n: number, size: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const all = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(size, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, m);
}

export interface SerializedBanks {
  depth: number;
  query: BankHits[];
  gallery: BankHits[];
}

/** Each bank item's top `depth` hits, skipping its own concept's terms. */
export function searchBank(bank: readonly BankQuery[], retrieve: TermRetriever, depth: number): BankHits[] {
  return bank.map((b) => {
    const hits = retrieve(b, depth, new Set(b.exclude));
    return { items: Int32Array.from(hits, (h) => h.term), scores: Float32Array.from(hits, (h) => h.score) };
  });
}

/** Banks' hits as bytes (cached beside the index they were searched in). */
export function banksToBuffer(banks: SerializedBanks): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.writeUInt32LE(banks.depth, 0);
  head.writeUInt32LE(banks.query.length, 4);
  head.writeUInt32LE(banks.gallery.length, 8);
  parts.push(head);
  for (const h of [...banks.query, ...banks.gallery]) {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(h.items.length, 0);
    parts.push(n, Buffer.from(Int32Array.from(h.items as ArrayLike<number>).buffer), Buffer.from(Float32Array.from(h.scores as ArrayLike<number>).buffer));
  }
  return Buffer.concat(parts);
}

export function banksFromBuffer(buf: Buffer): SerializedBanks {
  let at = 0;
  const u32 = (): number => {
    const v = buf.readUInt32LE(at);
    at += 4;
    return v;
  };
  const depth = u32();
  const nq = u32();
  const ng = u32();
  const read = (): BankHits => {
    const n = u32();
    const items = new Int32Array(n);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) items[i] = buf.readInt32LE(at + 4 * i);
    at += 4 * n;
    for (let i = 0; i < n; i++) scores[i] = buf.readFloatLE(at + 4 * i);
    at += 4 * n;
    return { items, scores };
  };
  const query = Array.from({ length: nq }, read);
  const gallery = Array.from({ length: ng }, read);
  if (at !== buf.length) throw new Error(`bank file has ${buf.length - at} unexpected trailing bytes`);
  return { depth, query, gallery };
}
