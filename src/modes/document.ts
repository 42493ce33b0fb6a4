/**
 * Document mode: every mention of a document linked, the mentions given as spans or found
 * by a dictionary matcher over the vocabulary's terms.
 *
 * - **Detection** (QuickUMLS-style approximate matching): every window of 1 to `maxWords`
 *   words, within punctuation, whose first and last words occur in some vocabulary term (and
 *   are not stop words) is scored by the lexical index (char n-gram cosine of the folded
 *   window against its best term); windows at or above `threshold` are candidates, and overlaps are resolved
 *   greedily: higher score first, then longer span. Short forms the document defines
 *   ("myocardial infarction (MI)") are mentions wherever they occur.
 * - **Co-reference** (src/normalize/coref.ts): mentions that name one entity (a defined
 *   abbreviation and its long form, the same words after folding and number, one-edit
 *   spelling variants) form a group with one canonical form; the group is linked once, so
 *   every member gets the same concepts.
 */
import { findAbbreviations } from '../normalize/abbreviations.js';
import { corefDocument } from '../normalize/coref.js';
import { foldText } from '../core/fold.js';
import type { Linker } from '../pipeline/linker.js';
import type { LinkResult } from '../pipeline/result.js';

export interface DocumentOptions {
  k?: number;
  /** Mentions to link, as character offsets; without them the matcher finds them. */
  mentions?: ReadonlyArray<{ start: number; end: number }>;
  /** Matcher: lowest char n-gram cosine of a window to its best term. Default 0.95 (NCBI-disease dev, docs/pipelines.md). */
  threshold?: number;
  /** Matcher: longest window, in words. Default 6. */
  maxWords?: number;
  lang?: string;
}

export interface DocumentMentionLink {
  start: number;
  end: number;
  text: string;
  /** How it was found: given, matched (window score), or abbreviation (a short form the document defines). */
  source: 'given' | 'matched' | 'abbreviation';
  /** The matcher's window score (matched mentions). */
  matchScore?: number;
  /** Its co-reference group (index into `groups`) and the text linked for the whole group. */
  group: number;
  canonical: string;
  candidates: LinkResult['candidates'];
  nil?: boolean;
}

export interface DocumentResult {
  mentions: DocumentMentionLink[];
  groups: Array<{ canonical: string; members: string[]; reasons: Record<string, string> }>;
  /** Short forms the document defines → long forms. */
  abbreviations: Record<string, string>;
}

const STOP = new Set('a an and are as at be by for from has have in is it its no not of on or the their this to was were with without'.split(' '));
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** A covering span wins an overlap when it scores at most this much lower. */
const NEAR = 0.05;

const vocabularyWords = new WeakMap<Linker, Set<string>>();

function wordsOf(linker: Linker): Set<string> {
  let s = vocabularyWords.get(linker);
  if (!s) {
    s = new Set();
    for (const t of linker.index.terms) for (const w of foldText(t.text).split(' ')) if (w) s.add(w);
    vocabularyWords.set(linker, s);
  }
  return s;
}

interface Span {
  start: number;
  end: number;
  source: DocumentMentionLink['source'];
  score: number;
}

/** The dictionary matcher's mentions, overlaps resolved. */
export function detectMentions(linker: Linker, text: string, options: { threshold?: number; maxWords?: number; lang?: string } = {}): Span[] {
  const threshold = options.threshold ?? 0.95;
  const maxWords = options.maxWords ?? 6;
  const vocab = wordsOf(linker);
  // Each word folded, and as the rule pack spells it ("diarrhoea" → "diarrhea").
  const tokens = [...text.matchAll(WORD)].map((m) => {
    const key = foldText(m[0]);
    return { start: m.index, end: m.index + m[0].length, key, packed: linker.normalizeQuery(m[0]).normalized };
  });
  const useful = (t: { key: string; packed: string }): boolean => !STOP.has(t.key) && [...t.key.split(' '), ...t.packed.split(' ')].some((w) => vocab.has(w));
  const found: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!useful(tokens[i]!)) continue;
    for (let j = i; j < Math.min(tokens.length, i + maxWords); j++) {
      // A window does not cross punctuation (sentence ends, commas, brackets, quotes).
      if (j > i && /[.,;:!?()[\]{}"“”]/.test(text.slice(tokens[j - 1]!.end, tokens[j]!.start))) break;
      if (!useful(tokens[j]!)) continue;
      const start = tokens[i]!.start;
      const end = tokens[j]!.end;
      // The rule pack's form, unless it drops words: context cues ("history of") would let
      // the window swallow them.
      const window = text.slice(start, end);
      const folded = foldText(window);
      const packed = linker.normalizeQuery(window).normalized;
      const q = packed.split(' ').length >= folded.split(' ').length ? packed : folded;
      const best = linker.index.search(q, 1, options.lang ? { lang: options.lang } : {})[0];
      if (best && best.score >= threshold) found.push({ start, end, source: 'matched', score: best.score });
    }
  }
  // Short forms the document defines, wherever they occur as words.
  for (const def of findAbbreviations(text)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${def.short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of text.matchAll(re)) found.push({ start: m.index, end: m.index + m[0].length, source: 'abbreviation', score: 1 });
  }
  // Overlaps: the best score wins, except that a span covering the kept ones wins when it
  // scores nearly as well ("acute myocardial infarction" over "myocardial infarction", not
  // "history of high blood pressure" over "high blood pressure").
  found.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  let kept: Span[] = [];
  for (const s of found) {
    const overlapping = kept.filter((k) => s.start < k.end && k.start < s.end);
    if (!overlapping.length) kept.push(s);
    else if (overlapping.every((k) => s.start <= k.start && k.end <= s.end && s.score >= k.score - NEAR)) {
      kept = kept.filter((k) => !overlapping.includes(k));
      kept.push(s);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

export async function linkDocument(linker: Linker, text: string, options: DocumentOptions = {}): Promise<DocumentResult> {
  const spans: Span[] = options.mentions
    ? options.mentions.map((m, i) => {
        if (!(Number.isInteger(m.start) && Number.isInteger(m.end) && m.start >= 0 && m.end > m.start && m.end <= text.length)) {
          throw new RangeError(`mention ${i}: start ${m.start}, end ${m.end} is not a span of the ${text.length}-character text`);
        }
        return { start: m.start, end: m.end, source: 'given' as const, score: 1 };
      })
    : detectMentions(linker, text, options);
  const mentions = spans.map((s, i) => ({ id: String(i), text: text.slice(s.start, s.end), start: s.start, end: s.end }));
  const coref = corefDocument(text, mentions);
  const groupOf = new Map<string, number>();
  coref.groups.forEach((g, gi) => g.members.forEach((m) => groupOf.set(m, gi)));
  const canonicals = [...new Set(mentions.map((m) => coref.canonical.get(m.id) ?? m.text))];
  const results = await linker.linkMany(
    canonicals.map((c) => ({ text: c, ...(options.lang ? { lang: options.lang } : {}) })),
    options.k ?? 5,
  );
  const byCanonical = new Map(canonicals.map((c, i) => [c, results[i]!]));
  return {
    mentions: mentions.map((m, i) => {
      const canonical = coref.canonical.get(m.id) ?? m.text;
      const r = byCanonical.get(canonical)!;
      const s = spans[i]!;
      return {
        start: m.start,
        end: m.end,
        text: m.text,
        source: s.source,
        ...(s.source === 'matched' ? { matchScore: s.score } : {}),
        group: groupOf.get(m.id) ?? -1,
        canonical,
        candidates: r.candidates,
        ...(r.nil !== undefined ? { nil: r.nil } : {}),
      };
    }),
    groups: coref.groups.map((g) => ({ canonical: g.canonical, members: g.members, reasons: g.reasons })),
    abbreviations: Object.fromEntries(coref.abbreviations),
  };
}
