/**
 * The features of the two lexical views: character n-grams (scikit-learn's `char_wb`) and
 * stemmed words (natural's Snowball/Porter stemmers, chosen by language).
 */
import {
  PorterStemmer,
  PorterStemmerDe,
  PorterStemmerEs,
  PorterStemmerFr,
  PorterStemmerIt,
  PorterStemmerNl,
  PorterStemmerNo,
  PorterStemmerPt,
  PorterStemmerRu,
  PorterStemmerSv,
  type Stemmer,
} from 'natural/lib/natural/stemmers/index.js';
import { words as stopEn } from 'natural/lib/natural/util/stopwords.js';
import { words as stopEs } from 'natural/lib/natural/util/stopwords_es.js';
import { words as stopFr } from 'natural/lib/natural/util/stopwords_fr.js';
import { words as stopIt } from 'natural/lib/natural/util/stopwords_it.js';
import { words as stopNl } from 'natural/lib/natural/util/stopwords_nl.js';
import { words as stopNo } from 'natural/lib/natural/util/stopwords_no.js';
import { words as stopPt } from 'natural/lib/natural/util/stopwords_pt.js';
import { words as stopRu } from 'natural/lib/natural/util/stopwords_ru.js';
import { words as stopSv } from 'natural/lib/natural/util/stopwords_sv.js';

/** Character n-grams of `text` with their counts: each word padded with a space on both sides; a word shorter than n is one gram. */
export function charWbNgrams(text: string, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const w = ` ${word} `;
    if (w.length <= n) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      continue;
    }
    for (let i = 0; i + n <= w.length; i++) {
      const g = w.slice(i, i + n);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

const STEMMERS: Record<string, Stemmer> = {
  en: PorterStemmer,
  de: PorterStemmerDe,
  es: PorterStemmerEs,
  fr: PorterStemmerFr,
  it: PorterStemmerIt,
  nl: PorterStemmerNl,
  no: PorterStemmerNo,
  nb: PorterStemmerNo,
  pt: PorterStemmerPt,
  ru: PorterStemmerRu,
  sv: PorterStemmerSv,
};

const EMPTY: ReadonlySet<string> = new Set();
const STOP_WORDS: Record<string, ReadonlySet<string>> = {
  en: new Set(stopEn),
  es: new Set(stopEs),
  fr: new Set(stopFr),
  it: new Set(stopIt),
  nl: new Set(stopNl),
  no: new Set(stopNo),
  nb: new Set(stopNo),
  pt: new Set(stopPt),
  sv: new Set(stopSv),
  ru: new Set(stopRu),
};

/** Languages with a stemmer; other languages use whole words. */
export const STEMMED_LANGUAGES = Object.keys(STEMMERS);

/** What WordStemmer needs of a stemmer. */
interface WordStem {
  stem(word: string): string;
}

/** The first `n` letters of a word: the stemmer of a language without one (truncation stemming). */
function prefixStemmer(n: number): WordStem {
  return { stem: (word: string) => word.slice(0, n) };
}

/** No truncation stemming: unknown or mixed language, and scripts written without spaces between words. */
const NO_PREFIX_STEM: ReadonlySet<string> = new Set(['', 'und', 'mul', 'zxx', 'zh', 'ja', 'ko', 'th', 'lo', 'km', 'my']);

/** Stems words of one language, remembering each word's stem. */
export class WordStemmer {
  private readonly cache = new Map<string, string>();
  private readonly stemmer: WordStem | undefined;

  private readonly stopWords: ReadonlySet<string>;

  /** `prefix`: for a language without a stemmer, cut words to this many letters (0: keep them whole). */
  constructor(lang: string, prefix = 0) {
    const base = lang.split('-')[0]!;
    this.stemmer = STEMMERS[base] ?? (prefix > 0 && !NO_PREFIX_STEM.has(base) ? prefixStemmer(prefix) : undefined);
    this.stopWords = STOP_WORDS[base] ?? EMPTY;
  }

  isStopWord(word: string): boolean {
    return this.stopWords.has(word);
  }

  stem(word: string): string {
    if (!this.stemmer || word.length < 3 || /\d/.test(word)) return word;
    let s = this.cache.get(word);
    if (s === undefined) {
      s = this.stemmer.stem(word) || word;
      this.cache.set(word, s);
    }
    return s;
  }
}

/** Stemmed words of an already folded text (`foldText`), with their counts; stop words are left out. */
export function wordFeatures(norm: string, stemmer: WordStemmer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of norm.split(' ')) {
    if (!w || stemmer.isStopWord(w)) continue;
    const s = stemmer.stem(w);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}
