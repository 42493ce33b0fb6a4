/**
 * The encoder interface: texts in, L2-normalized vectors out.
 *
 * Every implementation (the ONNX transformer bi-encoder, the embedding cache around
 * it, the encoders normkit trains) exposes `dim` and a `fingerprint` that identifies
 * what produced the vectors, so an index or a cache built by one encoder is never
 * read with another.
 */

/** Queries and vocabulary terms may be embedded differently (e5's "query: " / "passage: "). */
export type EmbedRole = 'query' | 'passage';

export interface EmbedOptions {
  /** Default 'query'. */
  role?: EmbedRole;
}

export interface Encoder {
  /** Vector width. */
  readonly dim: number;
  /** Identifies the model files and every setting that changes the vectors. */
  readonly fingerprint: string;
  /**
   * One L2-normalized row per text, in input order. The rows are views into one
   * contiguous Float32Array of `texts.length × dim` values (`rows[0].buffer`).
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Releases native resources. */
  close(): Promise<void>;
}

/** Splits a `n × dim` matrix into row views. */
export function rowsOf(matrix: Float32Array, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let i = 0; i + dim <= matrix.length; i += dim) rows.push(matrix.subarray(i, i + dim));
  return rows;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  }
  return v;
}
