/**
 * A dense candidate generator: an encoder's nearest terms in an HNSW index over every term
 * the linker searches (the same term list, in the same order, as its lexical index, so the
 * two generators' term scores can be fused term by term).
 *
 * The encoder is either normkit's own (model "trained": trained on the vocabulary's
 * synonyms, plus the linker's extra terms as labeled pairs, once, then cached by what it was
 * trained on) or any encoder folder or Hugging Face id. The term vectors and the HNSW graph
 * are cached beside the lexical index, keyed by the term list and the encoder's fingerprint.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encoder } from '../encoders/encoder.js';
import { openAnyEncoder } from '../encoders/open.js';
import type { Progress } from '../core/progress.js';
import type { VocabStore } from '../store/store.js';
import { isTrainedEncoder, TrainedEncoder } from '../encoders/trained/encoder.js';
import { trainAndSave, trainingDetail } from '../encoders/trained/vocabulary.js';
import { DEFAULT_HNSW, HnswIndex, type HnswParams } from '../vector/hnsw.js';
import { BuildCache } from './cache.js';
import type { DenseConfig } from './config.js';
import { writeAtomic } from '../io/atomic.js';
import type { TranslationGroups } from './crosslingual-training.js';

export interface DenseContext {
  store: VocabStore;
  vocabulary: string;
  /** The texts of the linker's terms, in its term order. */
  termTexts: readonly string[];
  /** Identifies that term list (the lexical index's cache key). */
  termsKey: string;
  /** The linker's type filter (the trained encoder learns only those concepts). */
  types?: readonly string[] | undefined;
  /** Labeled pairs for the trained encoder (the linker's extra terms). */
  labeled: ReadonlyArray<{ text: string; conceptId: string }>;
  /** Word translations the trained encoder learns too (with `training.translations`). */
  translations?: TranslationGroups | undefined;
  cache: BuildCache;
  /** For Hugging Face ids: where models are cached. */
  dataDir?: string | undefined;
  progress?: Progress | undefined;
  /** onnxruntime intra-op threads per encoder session (default: onnxruntime's, one per core). */
  threads?: number | undefined;
}

/** Bumped when training changes in a way the options do not show, so cached encoders are retrained. */
const TRAINED_VERSION = 1;

export class DenseGenerator {
  private constructor(
    readonly config: DenseConfig,
    readonly encoder: Encoder,
    /** Term vectors, n × dim (for the exact similarity of terms the index did not return). */
    private readonly vectors: Float32Array,
    private readonly index: HnswIndex,
    /** Whether the vectors and graph came from the cache. */
    readonly fromCache: boolean,
  ) {}

  static async build(config: DenseConfig, ctx: DenseContext): Promise<DenseGenerator> {
    const encoder = config.model === 'trained' ? await trainedEncoder(config, ctx) : await openAnyEncoder(config.model, { dataDir: ctx.dataDir ?? join(tmpdir(), 'normkit'), device: config.device, ...(ctx.threads ? { threads: ctx.threads } : {}) });
    const dim = encoder.dim;
    const n = ctx.termTexts.length;
    const params: HnswParams = { ...DEFAULT_HNSW, ef: config.ef };
    const key = BuildCache.key({ terms: ctx.termsKey, encoder: encoder.fingerprint, m: params.m, efConstruction: params.efConstruction, seed: params.seed, space: params.space });
    const cached = ctx.cache.path(ctx.vocabulary, `dense-${key}`);
    if (cached && existsSync(`${cached}.vec`) && existsSync(`${cached}.hnsw`) && statSync(`${cached}.vec`).size === n * dim * 4) {
      try {
        const buf = readFileSync(`${cached}.vec`);
        const vectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
        const index = HnswIndex.read(`${cached}.hnsw`, dim, params);
        if (index.count === n) return new DenseGenerator(config, encoder, vectors, index, true);
      } catch {
        // A damaged cache is rebuilt below.
      }
    }
    const progress = ctx.progress;
    const vectors = new Float32Array(n * dim);
    const batch = 4096;
    progress?.start(`encoding ${ctx.vocabulary} terms`, n, 'terms');
    for (let start = 0; start < n; start += batch) {
      const rows = await encoder.embed(ctx.termTexts.slice(start, start + batch), { role: 'passage' });
      rows.forEach((r, i) => vectors.set(r, (start + i) * dim));
      progress?.advance(rows.length);
    }
    progress?.stop();
    const index = HnswIndex.create(dim, params, n);
    progress?.start(`HNSW index of ${ctx.vocabulary}`, n, 'terms');
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(n, start + batch);
      const rows: Float32Array[] = [];
      const labels: number[] = [];
      for (let i = start; i < end; i++) {
        rows.push(vectors.subarray(i * dim, (i + 1) * dim));
        labels.push(i);
      }
      index.add(rows, labels);
      progress?.advance(end - start);
    }
    progress?.stop();
    const base = ctx.cache.file(ctx.vocabulary, `dense-${key}`);
    if (base) {
      // The graph first, then the vectors: a cache is used only when both are complete.
      index.write(`${base}.hnsw`);
      writeAtomic(`${base}.vec`, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
    }
    return new DenseGenerator(config, encoder, vectors, index, false);
  }

  get dim(): number {
    return this.encoder.dim;
  }

  /** Query vectors (the encoder's query role). */
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return this.encoder.embed(texts, { role: 'query' });
  }

  /** The nearest `k` terms (positions in the linker's term list) with their cosine similarities, best first. */
  search(vector: Float32Array, k: number): Array<{ term: number; score: number }> {
    return this.index.search(vector, k).map((h) => ({ term: h.label, score: h.score }));
  }

  /** The exact similarity of one term to a query vector. */
  similarity(vector: Float32Array, term: number): number {
    const vs = this.vectors;
    const d = vector.length;
    let at = term * d;
    // Four partial sums: the loop runs about twice as fast as one accumulator.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < d; j += 4, at += 4) {
      s0 += vector[j]! * vs[at]!;
      s1 += vector[j + 1]! * vs[at + 1]!;
      s2 += vector[j + 2]! * vs[at + 2]!;
      s3 += vector[j + 3]! * vs[at + 3]!;
    }
    for (; j < d; j++, at++) s0 += vector[j]! * vs[at]!;
    return s0 + s1 + (s2 + s3);
  }

  close(): Promise<void> {
    return this.encoder.close();
  }
}

/** The encoder normkit trains on the vocabulary (cached in `<cacheDir>/encoders/<key>`; retrained only when what it learns from changes). */
async function trainedEncoder(config: DenseConfig, ctx: DenseContext): Promise<Encoder> {
  const info = ctx.store.vocabulary(ctx.vocabulary);
  const translations = config.training.translations ? ctx.translations : undefined;
  const key = BuildCache.key({ version: TRAINED_VERSION, checksum: info.checksum, types: ctx.types ?? null, labeled: BuildCache.digest(ctx.labeled), training: config.training, ...(translations ? { translations: translations.key } : {}) });
  const { dir, temporary } = ctx.cache.encoderDir(key);
  if (!isTrainedEncoder(dir)) {
    const progress = ctx.progress;
    let started = false;
    await trainAndSave(ctx.store, ctx.vocabulary, dir, {
      ...(ctx.types ? { types: ctx.types } : {}),
      labeled: ctx.labeled,
      ...(config.training.epochs !== undefined ? { epochs: config.training.epochs } : {}),
      ...(config.training.dim !== undefined ? { dim: config.training.dim } : {}),
      ...(config.training.seed !== undefined ? { seed: config.training.seed } : {}),
      ...(translations ? { auxiliary: translations.build() } : {}),
      quantized: false,
      onProgress: (p) => {
        if (!started) progress?.start(`training the ${ctx.vocabulary} encoder`, p.steps, 'steps');
        started = true;
        progress?.advance(1, trainingDetail(p));
      },
    });
    progress?.stop();
  }
  const encoder = await TrainedEncoder.load(dir, { device: config.device, ...(ctx.threads ? { threads: ctx.threads } : {}) });
  if (temporary) rmSync(dir, { recursive: true, force: true });
  return encoder;
}
