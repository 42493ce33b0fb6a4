/**
 * Paired bootstrap confidence interval for the difference of two systems' mean scores on
 * the same queries: resample queries with replacement, recompute mean(b) − mean(a), and
 * take the 2.5th and 97.5th percentiles. Seeded, so reruns give the same interval.
 */

import { seededRandom } from '../core/random.js';

export interface Interval {
  /** mean(b) − mean(a) on the full sample. */
  mean: number;
  lo: number;
  hi: number;
}

export function pairedBootstrap(a: readonly number[], b: readonly number[], options: { samples?: number; seed?: number; level?: number } = {}): Interval {
  if (a.length !== b.length) throw new Error(`paired bootstrap needs equal lengths (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n === 0) return { mean: 0, lo: 0, hi: 0 };
  const diff = a.map((x, i) => b[i]! - x);
  const mean = diff.reduce((s, d) => s + d, 0) / n;
  const samples = options.samples ?? 1000;
  const level = options.level ?? 0.95;
  const rand = seededRandom(options.seed ?? 42);
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[Math.floor(rand() * n)]!;
    means[s] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  const at = (p: number): number => means[Math.min(samples - 1, Math.max(0, Math.round(p * (samples - 1))))]!;
  return { mean, lo: at(tail), hi: at(1 - tail) };
}
