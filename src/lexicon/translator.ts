/**
 * Word-by-word query translation through bilingual lexicons (the translate stage uses it;
 * src/pipeline/stages/translate.ts).
 *
 * A query, folded (`foldText`), is read left to right. At each position the longest
 * headword phrase of the lexicons (up to `maxPhrase` words) is taken; a single word is found
 * by, in turn:
 * 1. its match key (`exact`);
 * 2. its stem, with natural's stemmer for the language (`stem`), or, for a language without
 *    one, its longest prefix (down to `MIN_PREFIX` letters) that is a headword or a
 *    headword less up to two final letters (`prefix`): crude, but the Slavic and Baltic
 *    lexicons' headwords are lemmas, and a case ending is what the prefix drops;
 * 3. for German, Dutch and the Nordic languages, a split into a known modifier and a known
 *    head (`compound`: "schiffsmechaniker" → schiff(s) + mechaniker), trying the linking
 *    letters s, es, n, en, e, er; the longest known head wins;
 * 4. German feminine and plural person nouns without -in / -innen ("mechanikerin").
 * A word found nowhere is kept as it is (cognates: "hepatomegalia" still meets
 * "hepatomegaly" in the char n-gram view); a stop word of the language is dropped.
 *
 * Each headword's translations are weighted: sense rank r gives 1/√r, a lexicon read
 * backwards (English→X used as X→English) counts `REVERSED_WEIGHT`, a pair through a pivot
 * language its own weight, and lexicons that agree
 * add up; the best is 1, and the `alternatives` best are kept. The result is the translation
 * with each word's best choice, and a bag with every kept alternative.
 */
import { foldText } from '../core/fold.js';
import { STEMMED_LANGUAGES, WordStemmer } from '../lexical/features.js';
import type { DirectedPair } from './store.js';

/** How much a reversed lexicon's pair counts against one written in the query's direction. */
export const REVERSED_WEIGHT = 0.6;
/** The shortest prefix the prefix match tries. */
const MIN_PREFIX = 4;
/** Languages whose nouns compound (compound splitting is tried for them). */
export const COMPOUNDING = new Set(['de', 'nl', 'sv', 'da', 'no', 'nb', 'nn', 'is']);
const LINKERS = ['', 's', 'es', 'n', 'en', 'e', 'er'];
const MIN_HEAD = 4;
const MIN_MODIFIER = 3;

export interface TranslatorOptions {
  from: string;
  to: string;
  /** Translations kept per word (default 3). */
  alternatives?: number;
  /** Longest headword phrase matched, in words (default 4). */
  maxPhrase?: number;
}

export type TranslationVia = 'phrase' | 'exact' | 'stem' | 'prefix' | 'compound' | 'none';

export interface Target {
  text: string;
  weight: number;
}

export interface WordTranslation {
  /** The query's word (or phrase), folded. */
  source: string;
  via: TranslationVia;
  /** Best first; empty when `via` is `none`. */
  targets: Target[];
}

export interface QueryTranslation {
  from: string;
  to: string;
  /** Each word's best translation (the word itself when none was found). */
  text: string;
  /** Every kept translation of every word. */
  bag: string;
  words: WordTranslation[];
  /** Share of the query's words that were translated. */
  coverage: number;
}

/** What a translator is built from, in a form that can be cached (JSON): headwords, their stem and prefix keys. */
export interface TranslationTable {
  from: string;
  to: string;
  /** Headword match key (one or more words) → its weighted translations, best first (the best weighs 1). */
  entries: Array<[string, Target[]]>;
  /** Stem (languages with a stemmer) → headwords. */
  stems: Array<[string, string[]]>;
  /** A headword, and the headword less one or two final letters → headwords. */
  prefixes: Array<[string, string[]]>;
}

/** Longest translation kept, in words (a longer one is a gloss, not a translation). */
const MAX_TARGET_WORDS = 4;

/** The translation table of a language pair's lexicon pairs. */
export function buildTranslationTable(pairs: Iterable<DirectedPair>, options: TranslatorOptions): TranslationTable {
  const keep = options.alternatives ?? 3;
  const maxPhrase = options.maxPhrase ?? 4;
  const raw = new Map<string, Map<string, { text: string; weight: number }>>();
  for (const p of pairs) {
    const key = p.sourceKey;
    if (!key || !p.targetKey || wordCount(key) > maxPhrase || wordCount(p.targetKey) > MAX_TARGET_WORDS) continue;
    let m = raw.get(key);
    if (!m) raw.set(key, (m = new Map()));
    const w = ((p.reversed ? REVERSED_WEIGHT : 1) * (p.weight ?? 1)) / Math.sqrt(Math.max(1, p.rank));
    const prev = m.get(p.targetKey);
    if (prev) prev.weight += w;
    else m.set(p.targetKey, { text: p.target.trim(), weight: w });
  }
  const stemmer = new WordStemmer(options.from);
  const stems = STEMMED_LANGUAGES.includes(options.from.split('-')[0]!);
  const entries: Array<[string, Target[]]> = [];
  const byStem = new Map<string, string[]>();
  const byPrefix = new Map<string, string[]>();
  for (const [key, m] of raw) {
    // Equal weights keep the dictionary's order (sort is stable): its first translation first.
    const list = [...m.values()].sort((a, b) => b.weight - a.weight).slice(0, keep);
    const top = list[0]!.weight;
    entries.push([key, list.map((t) => ({ text: t.text, weight: Math.round((t.weight / top) * 1000) / 1000 }))]);
    if (key.includes(' ')) continue;
    if (stems) push(byStem, stemmer.stem(key), key);
    for (let cut = 0; cut <= 2 && key.length - cut >= MIN_PREFIX; cut++) push(byPrefix, key.slice(0, key.length - cut), key);
  }
  return { from: options.from, to: options.to, entries, stems: [...byStem], prefixes: [...byPrefix] };
}

function wordCount(key: string): number {
  let n = 1;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 32) n++;
  return n;
}

export class Translator {
  readonly from: string;
  readonly to: string;
  private readonly entries: Map<string, Target[]>;
  private readonly byStem: Map<string, string[]>;
  private readonly byPrefix: Map<string, string[]>;
  private readonly stemmer: WordStemmer;
  /** The target language's stop words: a word translated only into them is dropped ("im" → "in the"). */
  private readonly targetStemmer: WordStemmer;
  private readonly stems: boolean;
  private readonly maxPhrase: number;
  readonly headwords: number;

  constructor(table: TranslationTable, options: { maxPhrase?: number } = {}) {
    this.from = table.from;
    this.to = table.to;
    this.maxPhrase = options.maxPhrase ?? 4;
    this.entries = new Map(table.entries);
    this.byStem = new Map(table.stems);
    this.byPrefix = new Map(table.prefixes);
    this.stemmer = new WordStemmer(table.from);
    this.targetStemmer = new WordStemmer(table.to);
    this.stems = STEMMED_LANGUAGES.includes(table.from.split('-')[0]!);
    this.headwords = this.entries.size;
  }

  /** A translator straight from lexicon pairs (tests, one-off use; the pipeline caches the table). */
  static fromPairs(pairs: Iterable<DirectedPair>, options: TranslatorOptions): Translator {
    return new Translator(buildTranslationTable(pairs, options), options);
  }

  /** Translates a text (any case; it is folded here). */
  translate(text: string): QueryTranslation {
    const tokens = foldText(text).split(' ').filter(Boolean);
    const words: WordTranslation[] = [];
    for (let i = 0; i < tokens.length; ) {
      let taken = 0;
      for (let n = Math.min(this.maxPhrase, tokens.length - i); n >= 2 && !taken; n--) {
        const phrase = tokens.slice(i, i + n).join(' ');
        const t = this.entries.get(phrase);
        if (t) {
          words.push({ source: phrase, via: 'phrase', targets: t });
          taken = n;
        }
      }
      if (taken) {
        i += taken;
        continue;
      }
      const w = tokens[i++]!;
      if (this.stemmer.isStopWord(w)) continue;
      const t = this.word(w);
      // Short words found nowhere ("im", "v") and words that translate only into stop words are function words.
      if (t.via === 'none' ? w.length <= 2 && !/\d/.test(w) : t.targets.every((x) => foldText(x.text).split(' ').every((y) => this.targetStemmer.isStopWord(y)))) continue;
      words.push(t);
    }
    const found = words.filter((w) => w.via !== 'none').length;
    const first = dedupe(words.map((w) => (w.targets[0]?.text ?? w.source)));
    const bag = dedupe(words.flatMap((w) => (w.targets.length ? w.targets.map((t) => t.text) : [w.source])));
    return { from: this.from, to: this.to, text: first.join(' '), bag: bag.join(' '), words, coverage: words.length ? found / words.length : 0 };
  }

  /** One word's translation. */
  word(w: string): WordTranslation {
    const found = this.lookup(w);
    if (found) return { source: w, ...found };
    if (this.from === 'de') {
      const base = w.endsWith('innen') ? w.slice(0, -5) : w.endsWith('in') ? w.slice(0, -2) : undefined;
      const again = base && base.length >= MIN_HEAD ? this.lookup(base) ?? this.compound(base) : undefined;
      if (again) return { source: w, ...again };
    }
    const split = COMPOUNDING.has(this.from) ? this.compound(w) : undefined;
    if (split) return { source: w, ...split };
    return { source: w, via: 'none', targets: [] };
  }

  private lookup(w: string): { via: TranslationVia; targets: Target[] } | undefined {
    const exact = this.entries.get(w);
    if (exact) return { via: 'exact', targets: exact };
    if (w.length < MIN_PREFIX || /\d/.test(w)) return undefined;
    if (this.stems) {
      const keys = this.byStem.get(this.stemmer.stem(w));
      if (keys) return { via: 'stem', targets: this.merge(keys) };
    }
    for (let len = w.length; len >= Math.max(MIN_PREFIX, w.length - 3); len--) {
      const keys = this.byPrefix.get(w.slice(0, len));
      if (keys) return { via: 'prefix', targets: this.merge(keys) };
    }
    return undefined;
  }

  /** The longest known head with a known modifier (linking letters tried). */
  private compound(w: string): { via: TranslationVia; targets: Target[] } | undefined {
    for (let at = MIN_MODIFIER; at <= w.length - MIN_HEAD; at++) {
      const head = this.lookup(w.slice(at));
      if (!head) continue;
      const left = w.slice(0, at);
      for (const l of LINKERS) {
        if (l && !left.endsWith(l)) continue;
        const mod = left.slice(0, left.length - l.length);
        if (mod.length < MIN_MODIFIER) continue;
        const m = this.entries.get(mod) ?? (mod.length >= MIN_PREFIX ? this.lookup(mod)?.targets : undefined);
        if (!m) continue;
        const targets: Target[] = [];
        for (const a of m.slice(0, 2)) for (const b of head.targets.slice(0, 2)) targets.push({ text: `${a.text} ${b.text}`, weight: a.weight * b.weight });
        targets.sort((x, y) => y.weight - x.weight);
        return { via: 'compound', targets };
      }
    }
    return undefined;
  }

  /** The translations of several headwords (a stem's or prefix's), merged by best weight. */
  private merge(keys: readonly string[]): Target[] {
    if (keys.length === 1) return this.entries.get(keys[0]!)!;
    const best = new Map<string, Target>();
    // Shorter headwords first: the one closest to the bare stem.
    for (const k of [...keys].sort((a, b) => a.length - b.length)) {
      for (const t of this.entries.get(k)!) {
        const f = foldText(t.text);
        if (!best.has(f) || best.get(f)!.weight < t.weight) best.set(f, t);
      }
    }
    return [...best.values()].sort((a, b) => b.weight - a.weight).slice(0, 4);
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

function dedupe(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  return texts.filter((t) => {
    const f = foldText(t);
    if (seen.has(f)) return false;
    seen.add(f);
    return true;
  });
}
