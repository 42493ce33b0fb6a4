/**
 * The featurizer of normkit's self-trained encoder: a text becomes hashed feature ids with
 * weights that sum to 1 (the embedding bag's mean). Features: char n-grams of each word
 * (char_wb, `minN`..`maxN`), whole words, and word bigrams; counts are sublinear
 * (1 + ln c). Ids are FNV-1a hashes into `buckets − 1` rows; row 0 is padding (zeros).
 *
 * The spec is saved beside the ONNX model (`featurizer.json`), so any program that reads
 * it produces the model's inputs.
 */
import { foldText } from '../text/fold.js';

export interface FeaturizerSpec {
  kind: 'normkit-ngram-featurizer';
  version: 1;
  /** Rows of the embedding table, row 0 included (padding). */
  buckets: number;
  minN: number;
  maxN: number;
  words: boolean;
  bigrams: boolean;
  seed: number;
  /** Features kept per text (the heaviest); bounds the model's input width. */
  maxFeatures: number;
}

export const DEFAULT_FEATURIZER: FeaturizerSpec = { kind: 'normkit-ngram-featurizer', version: 1, buckets: 1 << 16, minN: 3, maxN: 5, words: true, bigrams: true, seed: 7, maxFeatures: 128 };

export interface Features {
  ids: Int32Array;
  /** Sum to 1 (empty text: no features). */
  weights: Float32Array;
}

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function checkSpec(spec: FeaturizerSpec, where: string): void {
  if (spec.kind !== 'normkit-ngram-featurizer' || spec.version !== 1) throw new Error(`${where}: not a normkit n-gram featurizer spec (kind ${String(spec.kind)}, version ${String(spec.version)})`);
  if (!(Number.isInteger(spec.buckets) && spec.buckets >= 2)) throw new Error(`${where}: buckets must be an integer ≥ 2`);
  if (!(Number.isInteger(spec.minN) && Number.isInteger(spec.maxN) && spec.minN >= 1 && spec.maxN >= spec.minN && spec.maxN <= 8)) throw new Error(`${where}: need 1 ≤ minN ≤ maxN ≤ 8`);
  if (!(Number.isInteger(spec.maxFeatures) && spec.maxFeatures >= 1)) throw new Error(`${where}: maxFeatures must be a positive integer`);
}

export function featurize(spec: FeaturizerSpec, text: string): Features {
  const norm = foldText(text);
  const counts = new Map<number, number>();
  const add = (f: string): void => {
    const id = 1 + (fnv1a(f, spec.seed) % (spec.buckets - 1));
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const words = norm.split(/\s+/).filter(Boolean);
  for (const w of words) {
    const padded = ` ${w} `;
    for (let n = spec.minN; n <= spec.maxN; n++) {
      if (padded.length <= n) {
        if (n === spec.minN) add(`c${padded}`);
        continue;
      }
      for (let i = 0; i + n <= padded.length; i++) add(`c${padded.slice(i, i + n)}`);
    }
    if (spec.words) add(`w${w}`);
  }
  if (spec.bigrams) for (let i = 0; i + 1 < words.length; i++) add(`b${words[i]} ${words[i + 1]}`);
  let entries = [...counts].map(([id, c]) => [id, 1 + Math.log(c)] as [number, number]);
  if (entries.length > spec.maxFeatures) entries = entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, spec.maxFeatures);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const ids = new Int32Array(entries.length);
  const weights = new Float32Array(entries.length);
  entries.forEach(([id, w], i) => {
    ids[i] = id;
    weights[i] = w / total;
  });
  return { ids, weights };
}
