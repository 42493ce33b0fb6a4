/**
 * The self-trained encoder's model: an embedding bag over hashed features (featurizer.ts),
 * the weighted mean of the features' rows, L2-normalized. Row 0 is padding and stays zero.
 *
 *   v(text) = h / |h|,  h = Σ_f w_f E[f]   (Σ_f w_f = 1)
 */
import { featurize, type Features, type FeaturizerSpec } from './featurizer.js';

export class BagModel {
  constructor(
    readonly spec: FeaturizerSpec,
    readonly dim: number,
    /** buckets × dim, row-major. */
    readonly table: Float32Array,
  ) {
    if (table.length !== spec.buckets * dim) throw new RangeError(`table holds ${table.length} values, expected ${spec.buckets} × ${dim}`);
  }

  /** Seeded uniform(−0.5, 0.5)·scale initialization; row 0 zero. */
  static init(spec: FeaturizerSpec, dim: number, seed: number, scale = 1): BagModel {
    const table = new Float32Array(spec.buckets * dim);
    let s = seed >>> 0 || 1;
    for (let i = dim; i < table.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      table[i] = (s / 4294967296 - 0.5) * scale;
    }
    return new BagModel(spec, dim, table);
  }

  featurize(text: string): Features {
    return featurize(this.spec, text);
  }

  /** h (unnormalized) of features into `out` (length dim); returns |h|. */
  bag(f: Features, out: Float32Array): number {
    const d = this.dim;
    out.fill(0);
    for (let i = 0; i < f.ids.length; i++) {
      const base = f.ids[i]! * d;
      const w = f.weights[i]!;
      for (let j = 0; j < d; j++) out[j]! += w * this.table[base + j]!;
    }
    let s = 0;
    for (let j = 0; j < d; j++) s += out[j]! * out[j]!;
    return Math.sqrt(s);
  }

  /** Unit vectors of texts, as one n × dim matrix. */
  embedMatrix(texts: readonly string[]): Float32Array {
    return this.embedFeatures(texts.map((t) => this.featurize(t)));
  }

  /** Unit vectors of already featurized texts, as one n × dim matrix. */
  embedFeatures(features: readonly Features[]): Float32Array {
    const d = this.dim;
    const out = new Float32Array(features.length * d);
    const h = new Float32Array(d);
    features.forEach((f, i) => {
      const n = this.bag(f, h);
      if (n > 0) for (let j = 0; j < d; j++) out[i * d + j] = h[j]! / n;
    });
    return out;
  }
}
