/**
 * The featurizer of normkit's self-trained encoder: a text becomes hashed feature ids with
 * weights that sum to 1 (the embedding bag's mean). Features: char n-grams of each word
 * (char_wb, `minN`..`maxN`), whole words, and word bigrams; counts are sublinear
 * (1 + ln c). Ids are FNV-1a hashes into `buckets − 1` rows; row 0 is padding (zeros).
 *
 * The spec is saved beside the ONNX model (`featurizer.json`), so any program that reads
 * it produces the model's inputs.
 */
import { foldText } from '../../core/fold.js';

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

export function checkSpec(spec: FeaturizerSpec, where: string): void {
  if (spec.kind !== 'normkit-ngram-featurizer' || spec.version !== 1) throw new Error(`${where}: not a normkit n-gram featurizer spec (kind ${String(spec.kind)}, version ${String(spec.version)})`);
  if (!(Number.isInteger(spec.buckets) && spec.buckets >= 2)) throw new Error(`${where}: buckets must be an integer ≥ 2`);
  if (!(Number.isInteger(spec.minN) && Number.isInteger(spec.maxN) && spec.minN >= 1 && spec.maxN >= spec.minN && spec.maxN <= 8)) throw new Error(`${where}: need 1 ≤ minN ≤ maxN ≤ 8`);
  if (!(Number.isInteger(spec.maxFeatures) && spec.maxFeatures >= 1)) throw new Error(`${where}: maxFeatures must be a positive integer`);
}

/** Per-bucket counts of the text being featurized (reused; reset after each text). */
let counts = new Float64Array(0);
/** Buckets seen in the current text, in first-seen order. */
let order = new Int32Array(1024);
let seen = 0;

const FNV_PRIME = 0x01000193;
const C = 'c'.charCodeAt(0);
const W = 'w'.charCodeAt(0);
const B = 'b'.charCodeAt(0);
const SPACE = 32;

// Module-level helpers rather than closures: no function objects made per text.
function step(h: number, code: number): number {
  return Math.imul((h ^ code) >>> 0, FNV_PRIME) >>> 0;
}

function count(h: number, mod: number): void {
  const id = 1 + (h % mod);
  if (counts[id] === 0) {
    if (seen === order.length) {
      const bigger = new Int32Array(order.length * 2);
      bigger.set(order);
      order = bigger;
    }
    order[seen++] = id;
  }
  counts[id]! += 1;
}

/** Character i of ` word `. */
function padded(w: string, i: number, len: number): number {
  return i === 0 || i === len - 1 ? SPACE : w.charCodeAt(i - 1);
}

/**
 * The features of one text. Hashes are computed over the characters in place (the same
 * values as FNV-1a over the strings "c<gram>", "w<word>", "b<word> <word>"), without
 * building those strings.
 */
export function featurize(spec: FeaturizerSpec, text: string): Features {
  const norm = foldText(text);
  if (counts.length !== spec.buckets) counts = new Float64Array(spec.buckets);
  seen = 0;
  const mod = spec.buckets - 1;
  const h0 = (0x811c9dc5 ^ spec.seed) >>> 0;
  const words = norm.split(/\s+/);
  if (words[0] === '') words.shift();
  if (words.length && words[words.length - 1] === '') words.pop();
  const hc = step(h0, C);
  for (const w of words) {
    const len = w.length + 2;
    for (let g = spec.minN; g <= spec.maxN; g++) {
      if (len <= g) {
        if (g === spec.minN) {
          let h = hc;
          for (let i = 0; i < len; i++) h = step(h, padded(w, i, len));
          count(h, mod);
        }
        continue;
      }
      for (let i = 0; i + g <= len; i++) {
        let h = hc;
        for (let k = 0; k < g; k++) h = step(h, padded(w, i + k, len));
        count(h, mod);
      }
    }
    if (spec.words) {
      let h = step(h0, W);
      for (let i = 0; i < w.length; i++) h = step(h, w.charCodeAt(i));
      count(h, mod);
    }
  }
  if (spec.bigrams) {
    for (let i = 0; i + 1 < words.length; i++) {
      let h = step(h0, B);
      const a = words[i]!;
      const b = words[i + 1]!;
      for (let k = 0; k < a.length; k++) h = step(h, a.charCodeAt(k));
      h = step(h, SPACE);
      for (let k = 0; k < b.length; k++) h = step(h, b.charCodeAt(k));
      count(h, mod);
    }
  }
  const n = seen;
  let entries: Array<[number, number]> = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = order[i]!;
    entries[i] = [id, 1 + Math.log(counts[id]!)];
    counts[id] = 0;
  }
  if (entries.length > spec.maxFeatures) entries = entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, spec.maxFeatures);
  let total = 0;
  for (const [, w] of entries) total += w;
  const ids = new Int32Array(entries.length);
  const weights = new Float32Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    ids[i] = entries[i]![0];
    weights[i] = entries[i]![1] / total;
  }
  return { ids, weights };
}
