/**
 * `normkit index build`: every term of a vocabulary embedded by one encoder, into its
 * HNSW term index (src/vector/term-index.ts), with progress.
 */
import { join } from 'node:path';
import type { Progress } from '../core/progress.js';
import type { Encoder } from '../encoders/encoder.js';
import type { VocabStore } from '../store/store.js';
import { DEFAULT_HNSW, type HnswParams } from './hnsw.js';
import { TermVectorIndex } from './term-index.js';

export interface IndexBuildResult {
  vocabulary: string;
  encoder: string;
  dim: number;
  count: number;
  params: HnswParams;
  file: string;
  seconds: number;
}

export async function buildVectorIndex(
  store: VocabStore,
  vocabulary: string,
  encoder: Encoder,
  options: { dataDir: string; params: Partial<HnswParams>; batchSize?: number; progress?: Progress },
): Promise<IndexBuildResult> {
  const started = performance.now();
  options.progress?.start('embedding terms', store.vocabulary(vocabulary).terms, 'terms');
  let last = 0;
  const index = await TermVectorIndex.build(store, vocabulary, encoder, {
    dir: join(options.dataDir, 'indexes'),
    params: { ...DEFAULT_HNSW, ...options.params },
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    onProgress: (done) => {
      options.progress?.advance(done - last);
      last = done;
    },
  });
  options.progress?.stop();
  return {
    vocabulary,
    encoder: encoder.fingerprint,
    dim: encoder.dim,
    count: index.info.count,
    params: index.info.params,
    file: TermVectorIndex.fileOf(store, vocabulary, encoder.fingerprint)!,
    seconds: (performance.now() - started) / 1000,
  };
}
