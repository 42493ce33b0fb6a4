/**
 * NgramHashEncoder: an untrained, model-free encoder. A text's char_wb n-grams (sublinear
 * counts) and words are each given a fixed pseudo-random ±1 direction (seeded by the
 * feature's hash); the vector is their weighted sum, L2-normalized. By the
 * Johnson–Lindenstrauss property, inner products approximate the cosine of the n-gram
 * count vectors (noise about 1/√dim), so similar spellings land close together.
 *
 * It is the reference encoder for the vector index's recall benchmark and tests (real
 * neighbourhood structure, no download, no training), and the starting point of the
 * encoder that `train-encoder` learns. Its fingerprint covers every setting.
 */
import { createHash } from 'node:crypto';
import { charWbNgrams } from '../lexical/features.js';
import { foldText } from '../core/fold.js';
import { rowsOf, type Encoder } from './encoder.js';

export interface NgramHashOptions {
  /** Vector width. Default 256. */
  dim?: number;
  /** Char n-gram length. Default 3. */
  n?: number;
  /** Weight of whole words against char grams. Default 1. */
  wordWeight?: number;
  /** Seed of the feature directions. Default 1. */
  seed?: number;
}

/** FNV-1a 32-bit hash of a string, mixed with a seed. */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class NgramHashEncoder implements Encoder {
  readonly dim: number;
  readonly fingerprint: string;
  private readonly n: number;
  private readonly wordWeight: number;
  private readonly seed: number;

  constructor(options: NgramHashOptions = {}) {
    this.dim = options.dim ?? 256;
    this.n = options.n ?? 3;
    this.wordWeight = options.wordWeight ?? 1;
    this.seed = options.seed ?? 1;
    if (!Number.isInteger(this.dim) || this.dim < 8) throw new RangeError(`dim must be an integer ≥ 8 (got ${this.dim})`);
    this.fingerprint = `ngram-hash:${createHash('sha256')
      .update(JSON.stringify({ v: 1, dim: this.dim, n: this.n, wordWeight: this.wordWeight, seed: this.seed }))
      .digest('hex')
      .slice(0, 16)}`;
  }

  /** Adds `w` times the feature's ±1 direction to `out` (xorshift32 stream seeded by the feature). */
  private addFeature(out: Float32Array, offset: number, feature: string, w: number): void {
    let x = hash32(feature, this.seed) || 0x9e3779b9;
    for (let i = 0; i < this.dim; i += 32) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      for (let b = 0; b < 32 && i + b < this.dim; b++) out[offset + i + b]! += (x >>> b) & 1 ? w : -w;
    }
  }

  embedSync(texts: readonly string[]): Float32Array[] {
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, t) => {
      const norm = foldText(text);
      const at = t * this.dim;
      for (const [g, c] of charWbNgrams(norm, this.n)) this.addFeature(out, at, `c${g}`, 1 + Math.log(c));
      if (this.wordWeight > 0) for (const w of norm.split(/\s+/)) if (w) this.addFeature(out, at, `w${w}`, this.wordWeight);
      let s = 0;
      for (let i = at; i < at + this.dim; i++) s += out[i]! * out[i]!;
      if (s > 0) {
        const inv = 1 / Math.sqrt(s);
        for (let i = at; i < at + this.dim; i++) out[i]! *= inv;
      }
    });
    return rowsOf(out, this.dim);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedSync(texts);
  }

  async close(): Promise<void> {}
}
