/**
 * An encoder with a persistent embedding cache: vectors are kept in the SQLite store
 * under (encoder fingerprint, sha256 of role and text). Texts seen before are read
 * back; only new ones reach the model. A changed model, pooling, max length or prefix
 * changes the fingerprint, so stale vectors are never returned.
 */
import { createHash } from 'node:crypto';
import { rowsOf, type EmbedOptions, type Encoder } from './encoder.js';

/** Where cached vectors live (the VocabStore implements this). */
export interface EmbeddingStore {
  getEmbeddings(encoder: string, hashes: readonly Buffer[]): Array<Float32Array | undefined>;
  putEmbeddings(encoder: string, entries: ReadonlyArray<readonly [Buffer, Float32Array]>): void;
}

export function textHash(role: string, text: string): Buffer {
  return createHash('sha256').update(role).update('\0').update(text).digest();
}

export interface CacheCounts {
  hits: number;
  misses: number;
}

export class CachedEncoder implements Encoder {
  readonly dim: number;
  readonly fingerprint: string;
  /** Hits and misses since creation. */
  readonly counts: CacheCounts = { hits: 0, misses: 0 };

  constructor(
    private readonly inner: Encoder,
    private readonly store: EmbeddingStore,
  ) {
    this.dim = inner.dim;
    this.fingerprint = inner.fingerprint;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const role = options.role ?? 'query';
    const hashes = texts.map((t) => textHash(role, t));
    const cached = this.store.getEmbeddings(this.fingerprint, hashes);
    const out = new Float32Array(texts.length * this.dim);
    const todo: number[] = [];
    cached.forEach((v, i) => {
      if (v && v.length === this.dim) out.set(v, i * this.dim);
      else todo.push(i);
    });
    this.counts.hits += texts.length - todo.length;
    this.counts.misses += todo.length;
    if (todo.length) {
      // Each distinct new text is encoded once.
      const firstOf = new Map<string, number>();
      const unique: number[] = [];
      for (const i of todo) {
        const key = texts[i] as string;
        if (!firstOf.has(key)) {
          firstOf.set(key, unique.length);
          unique.push(i);
        }
      }
      const fresh = await this.inner.embed(unique.map((i) => texts[i] as string), options);
      for (const i of todo) out.set(fresh[firstOf.get(texts[i] as string) as number] as Float32Array, i * this.dim);
      this.store.putEmbeddings(
        this.fingerprint,
        unique.map((i, k) => [hashes[i] as Buffer, fresh[k] as Float32Array] as const),
      );
    }
    return rowsOf(out, this.dim);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
