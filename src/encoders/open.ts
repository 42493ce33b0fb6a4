/**
 * Opens any encoder by reference: the built-in `ngram-hash`, a model folder written by
 * `normkit train-encoder`, a transformer folder, or a Hugging Face id (fetched into the data
 * dir's model cache unless offline). Vectors of vocabulary terms are cached in the store.
 */
import { existsSync } from 'node:fs';
import { isTrainedEncoder, TrainedEncoder } from './trained/encoder.js';
import { openEncoder } from './models/resolve.js';
import type { VocabStore } from '../store/store.js';
import { CachedEncoder } from './cache.js';
import type { Encoder } from './encoder.js';
import { NgramHashEncoder } from './ngram-hash.js';

/** The built-in model-free encoder's name for `--model`. */
export const NGRAM_HASH_MODEL = 'ngram-hash';

export interface OpenEncoderOptions {
  dataDir: string;
  device?: 'cpu' | 'cuda' | 'auto';
  offline?: boolean;
  /** onnxruntime intra-op threads (default: one per core). */
  threads?: number;
}

/** An encoder without the store's vector cache. */
export async function openAnyEncoder(ref: string, options: OpenEncoderOptions): Promise<Encoder> {
  const device = { ...(options.device ? { device: options.device } : {}), ...(options.threads ? { threads: options.threads } : {}) };
  if (ref === NGRAM_HASH_MODEL) return new NgramHashEncoder();
  if (existsSync(ref) && isTrainedEncoder(ref)) return TrainedEncoder.load(ref, device);
  return openEncoder(ref, { dataDir: options.dataDir, ...device, ...(options.offline ? { offline: true } : {}) });
}

/** `--model`: an encoder whose vocabulary-term vectors are cached in the store (not for ngram-hash: it is cheaper than the cache). */
export async function encoderFor(store: VocabStore, ref: string, options: OpenEncoderOptions): Promise<Encoder> {
  const inner = await openAnyEncoder(ref, options);
  return ref === NGRAM_HASH_MODEL ? inner : new CachedEncoder(inner, store);
}
