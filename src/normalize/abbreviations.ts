/**
 * Abbreviation definitions in running text, after Schwartz & Hearst (2003), "A simple
 * algorithm for identifying abbreviation definitions in biomedical text".
 *
 * Candidates are "long form (SF)" and "SF (long form)" inside one sentence. The short form
 * has 2–10 characters, at most two words, starts with a letter or digit and contains a
 * letter. The long form is found by matching the short form's characters right to left
 * in the words before it (at most min(|SF| + 5, 2·|SF|) words); its first character must
 * start a word. The document-level map then expands later uses of the short form.
 */

export interface AbbreviationDefinition {
  short: string;
  long: string;
  /** Offsets into the text. */
  shortStart: number;
  longStart: number;
}

const SENTENCE_END = /[.!?](?=\s+[A-Z(]|\s*$)/g;

function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function isValidShortForm(sf: string): boolean {
  if (sf.length < 2 || sf.length > 10) return false;
  if (sf.split(/\s+/).length > 2) return false;
  if (!isAlnum(sf[0])) return false;
  return /\p{L}/u.test(sf);
}

/** The shortest suffix of `lf` whose characters contain the short form's letters and digits in order. */
export function bestLongForm(sf: string, lf: string): string | null {
  let s = sf.length - 1;
  let l = lf.length - 1;
  const low = (c: string | undefined): string => (c ?? '').toLowerCase();
  while (s >= 0) {
    const c = low(sf[s]);
    if (!isAlnum(c)) {
      s--;
      continue;
    }
    while ((l >= 0 && low(lf[l]) !== c) || (s === 0 && l > 0 && isAlnum(lf[l - 1]))) l--;
    if (l < 0) return null;
    l--;
    s--;
  }
  const start = lf.lastIndexOf(' ', l) + 1;
  return lf.slice(start);
}

function wordsBackwards(text: string, n: number): { text: string; start: number } {
  const words = [...text.matchAll(/\S+/g)];
  const kept = words.slice(Math.max(0, words.length - n));
  if (kept.length === 0) return { text: '', start: text.length };
  const start = kept[0]!.index;
  return { text: text.slice(start), start };
}

function accept(sf: string, lf: string | null): lf is string {
  if (!lf) return false;
  const lfWords = lf.split(/\s+/).length;
  if (lf.length <= sf.length) return false;
  if (lfWords > Math.min(sf.length + 5, sf.length * 2)) return false;
  // The long form must not contain the short form as a word of its own (it would define itself).
  const escaped = sf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(?:^|\\s)${escaped}(?:\\s|$)`, 'i').test(lf)) return false;
  return true;
}

/** Every abbreviation definition in `text`, in order. */
export function findAbbreviations(text: string): AbbreviationDefinition[] {
  const out: AbbreviationDefinition[] = [];
  // Split into sentences, keeping offsets.
  const bounds: Array<[number, number]> = [];
  let last = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    bounds.push([last, m.index + 1]);
    last = m.index + 1;
  }
  if (last < text.length) bounds.push([last, text.length]);

  for (const [from, to] of bounds) {
    const sentence = text.slice(from, to);
    for (const m of sentence.matchAll(/\(([^()]*)\)/g)) {
      const open = m.index;
      const full = m[1]!.trim();
      let inner = m[1]!;
      // "(SF; ref)", "(SF, see below)": the short form is before the first ; or ,
      const cut = inner.search(/[;,]\s/);
      if (cut > 0) inner = inner.slice(0, cut);
      const innerTrim = inner.trim();
      const innerStart = from + open + 1 + inner.indexOf(innerTrim);
      const before = sentence.slice(0, open).replace(/\s+$/, '');
      if (isValidShortForm(innerTrim)) {
        // long form (SF)
        const window = wordsBackwards(before, Math.min(innerTrim.length + 5, innerTrim.length * 2));
        const lf = bestLongForm(innerTrim, window.text);
        if (accept(innerTrim, lf)) {
          out.push({ short: innerTrim, long: lf, shortStart: innerStart, longStart: from + window.start + window.text.lastIndexOf(lf) });
          continue;
        }
      }
      // SF (long form): the word just before the parenthesis is the short form
      const prev = /(\S+)$/.exec(before);
      if (prev && isValidShortForm(prev[1]!) && full.split(/\s+/).length > 1) {
        const sf = prev[1]!;
        const lf = bestLongForm(sf, full);
        if (accept(sf, lf) && lf === full) {
          out.push({ short: sf, long: lf, shortStart: from + prev.index, longStart: from + open + 1 + m[1]!.indexOf(full) });
        }
      }
    }
  }
  return out;
}

/** Short form → long form, the first definition of each short form winning. */
export function abbreviationMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of findAbbreviations(text)) if (!map.has(d.short)) map.set(d.short, d.long);
  return map;
}

/** Replaces whole-word uses of every defined short form by its long form. */
export function expandAbbreviations(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return text;
  const keys = [...map.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${keys.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  return text.replace(re, (sf) => map.get(sf) ?? sf);
}
