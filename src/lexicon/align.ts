/**
 * Word translations learned from parallel texts: pairs of a text in one language and a text
 * that means the same in another (a vocabulary's term and its translation, a labeled mention
 * and its concept's name). IBM Model 1 (Brown et al. 1993) is fitted by EM in both
 * directions; a word pair is kept when each side explains the other:
 * score(s, t) = √(p(t | s) · p(s | t)) ≥ `minScore`. Each source word keeps its
 * `alternatives` best target words, ranked by score (rank 1 = best).
 *
 * Stop words of either language are left out before fitting (they co-occur with everything),
 * and so are tokens without a letter. A NULL source word absorbs target words that nothing
 * in the source explains.
 */
import { foldText } from '../core/fold.js';
import { WordStemmer } from '../lexical/features.js';
import type { LexiconPair } from './store.js';

export interface ParallelText {
  /** The text in the source language. */
  source: string;
  /** A text that means the same in the target language. */
  target: string;
  /** What the pair counts (default 1): a source with n target texts gives each 1/n. */
  weight?: number;
}

export interface AlignOptions {
  from: string;
  to: string;
  /** EM iterations per direction (default 8). */
  iterations?: number;
  /** The lowest symmetric score kept (default 0.1). */
  minScore?: number;
  /** Target words kept per source word (default 3). */
  alternatives?: number;
}

export interface AlignedWord extends LexiconPair {
  /** √(p(t | s) · p(s | t)). */
  score: number;
  /** The weighted number of parallel texts with both words. */
  count: number;
}

const NULL = '\u0000';

/** A text's content words: folded, without stop words or tokens without a letter. */
function wordsOf(text: string, stemmer: WordStemmer): string[] {
  return [...new Set(foldText(text).split(' ').filter((w) => w && /\p{L}/u.test(w) && !stemmer.isStopWord(w)))];
}

/** p(t | s) for every co-occurring pair, by EM over `pairs` (source words with a NULL word). */
function model1(pairs: ReadonlyArray<{ s: string[]; t: string[]; w: number }>, iterations: number): Map<string, Map<string, number>> {
  let p = new Map<string, Map<string, number>>();
  // Uniform start: every co-occurring pair equal.
  for (const { s, t } of pairs) {
    for (const a of [NULL, ...s]) {
      let row = p.get(a);
      if (!row) p.set(a, (row = new Map()));
      for (const b of t) row.set(b, 1);
    }
  }
  for (let it = 0; it < iterations; it++) {
    const counts = new Map<string, Map<string, number>>();
    const totals = new Map<string, number>();
    for (const { s, t, w } of pairs) {
      const sources = [NULL, ...s];
      for (const b of t) {
        let z = 0;
        for (const a of sources) z += p.get(a)!.get(b)!;
        if (z <= 0) continue;
        for (const a of sources) {
          const c = (w * p.get(a)!.get(b)!) / z;
          let row = counts.get(a);
          if (!row) counts.set(a, (row = new Map()));
          row.set(b, (row.get(b) ?? 0) + c);
          totals.set(a, (totals.get(a) ?? 0) + c);
        }
      }
    }
    const next = new Map<string, Map<string, number>>();
    for (const [a, row] of p) {
      const total = totals.get(a) ?? 0;
      const c = counts.get(a);
      const out = new Map<string, number>();
      for (const b of row.keys()) out.set(b, total > 0 ? (c?.get(b) ?? 0) / total : 0);
      next.set(a, out);
    }
    p = next;
  }
  return p;
}

/** The word translations that `texts` support, best first per source word. */
export function alignWords(texts: Iterable<ParallelText>, options: AlignOptions): AlignedWord[] {
  const iterations = options.iterations ?? 8;
  const minScore = options.minScore ?? 0.1;
  const keep = options.alternatives ?? 3;
  const fromStop = new WordStemmer(options.from);
  const toStop = new WordStemmer(options.to);
  const pairs: Array<{ s: string[]; t: string[]; w: number }> = [];
  const together = new Map<string, number>();
  for (const x of texts) {
    const s = wordsOf(x.source, fromStop);
    const t = wordsOf(x.target, toStop);
    if (!s.length || !t.length) continue;
    const w = x.weight ?? 1;
    pairs.push({ s, t, w });
    for (const a of s) for (const b of t) together.set(`${a}\t${b}`, (together.get(`${a}\t${b}`) ?? 0) + w);
  }
  const forward = model1(pairs, iterations);
  const backward = model1(
    pairs.map(({ s, t, w }) => ({ s: t, t: s, w })),
    iterations,
  );
  const out: AlignedWord[] = [];
  for (const [a, row] of forward) {
    if (a === NULL) continue;
    const kept: AlignedWord[] = [];
    for (const [b, pf] of row) {
      const score = Math.sqrt(pf * (backward.get(b)?.get(a) ?? 0));
      if (score >= minScore) kept.push({ source: a, target: b, rank: 0, score, count: together.get(`${a}\t${b}`) ?? 0 });
    }
    kept.sort((x, y) => y.score - x.score || (x.target < y.target ? -1 : 1));
    kept.slice(0, keep).forEach((k, i) => out.push({ ...k, rank: i + 1, score: Math.round(k.score * 1000) / 1000 }));
  }
  return out;
}
