/**
 * Cross-lingual training data for the trained dense encoder: the word translations of the
 * store's bilingual lexicons into the vocabulary's language (the translate stage's tables,
 * src/pipeline/translation-tables.ts), as groups of texts that mean the same — an English
 * word with its German, Spanish, Polish … translations — which the encoder learns as it
 * learns a concept's synonyms (src/encoders/trained/train.ts, `auxiliary`). A query word the
 * translator cannot look up (an inflection, a compound, a misspelling) then still lands near
 * the vocabulary words its character n-grams share with the words it was trained on.
 *
 * Only translations whose every word occurs in the vocabulary's terms are kept: a word the
 * vocabulary never uses cannot help to find one of its terms, and the groups stay small
 * (ESCO's English terms use about 10,000 words).
 */
import { foldText } from '../core/fold.js';
import type { TrainingConcept } from '../encoders/trained/train.js';
import { BuildCache } from './cache.js';
import type { TranslationTables } from './translation-tables.js';

export interface TranslationGroupOptions {
  /** Source words kept per target word and language (the heaviest). */
  perLanguage: number;
  /** Translations weighing less than this (the best of a headword weighs 1) are left out. */
  minWeight: number;
}

export const DEFAULT_GROUP_OPTIONS: TranslationGroupOptions = { perLanguage: 4, minWeight: 0.5 };

/** The groups, built on demand (only when an encoder is trained), and the key of what they are made from. */
export interface TranslationGroups {
  key: string;
  build(): TrainingConcept[];
}

/** The words of the vocabulary's term texts (folded). */
export function vocabularyWords(texts: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const t of texts) for (const w of foldText(t).split(' ')) if (w.length > 1) words.add(w);
  return words;
}

export function translationGroups(tables: TranslationTables, texts: readonly string[], options: TranslationGroupOptions = DEFAULT_GROUP_OPTIONS): TranslationGroups {
  const langs = tables.languages().filter((l) => tables.fingerprint(l)).sort();
  return {
    key: BuildCache.key({ to: tables.to, lexicons: langs.map((l) => [l, tables.fingerprint(l)]), ...options }),
    build: () => {
      const words = vocabularyWords(texts);
      /** Target key → its text and, per language, its sources with their weights. */
      const groups = new Map<string, { text: string; sources: Map<string, Array<[string, number]>> }>();
      for (const lang of langs) {
        const table = tables.table(lang);
        if (!table) continue;
        for (const [source, targets] of table.entries) {
          for (const t of targets) {
            if (t.weight < options.minWeight) continue;
            const key = foldText(t.text);
            if (!key || key === source || !key.split(' ').every((w) => words.has(w))) continue;
            let g = groups.get(key);
            if (!g) groups.set(key, (g = { text: t.text, sources: new Map() }));
            const list = g.sources.get(lang) ?? [];
            list.push([source, t.weight]);
            g.sources.set(lang, list);
          }
        }
      }
      const out: TrainingConcept[] = [];
      for (const [key, g] of groups) {
        const terms = [g.text];
        for (const list of g.sources.values()) {
          // Heaviest first; equal weights keep the table's order (sort is stable).
          for (const [source] of list.sort((a, b) => b[1] - a[1]).slice(0, options.perLanguage)) terms.push(source);
        }
        out.push({ id: `translation:${tables.to}:${key}`, terms });
      }
      return out;
    },
  };
}
