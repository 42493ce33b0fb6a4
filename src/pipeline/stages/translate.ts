/**
 * translate: a query in another language than the vocabulary's, translated word by word
 * through the store's bilingual lexicons for that pair (src/lexicon/translator.ts), so that
 * the generators search the translations too: the lexical generator scores each, and every
 * term keeps its best score, a translation's scaled by its weight (stages/lexical.ts); the
 * dense generators encode them (stages/dense.ts).
 *
 * Two texts are searched per translated query: each word's best translation (`weight`), and
 * the bag of every kept alternative (`weight · bagWeight`). A query in the vocabulary's own
 * language, one without a language, or one whose pair has no lexicon is left as it is.
 * Translators are built per language on the first query that needs one. A query without a
 * language gets one from the language detector (src/lexicon/language.ts) when `detect` is on.
 */
import { languageDetector, type LanguageDetector } from '../../lexicon/language.js';
import { Translator } from '../../lexicon/translator.js';
import type { TranslateConfig } from '../config.js';
import { translationTables } from '../resources.js';
import type { TranslationTables } from '../translation-tables.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

export class TranslateStage implements Stage {
  readonly name = 'translate';
  private readonly translators = new Map<string, Translator | undefined>();
  private detector: Promise<LanguageDetector | undefined> | undefined;

  constructor(
    private readonly config: TranslateConfig,
    /** The tables into the vocabulary's language, built with this section's alternatives and pivots. */
    private readonly tables: TranslationTables,
  ) {}

  /** The vocabulary's language. */
  get to(): string {
    return this.tables.to;
  }

  async run(batch: QueryState[]): Promise<void> {
    for (const q of batch) {
      if (!q.query.matchable) continue;
      const lang = q.lang ?? (this.config.detect ? (await this.detectorOf())?.detect(q.input) : undefined);
      if (!lang) continue;
      const translator = this.translator(lang);
      if (!translator) continue;
      const t = translator.translate(q.query.normalized);
      if (!t.words.some((w) => w.via !== 'none')) continue;
      q.translation = t;
      const w = this.config.weight;
      q.translations = [{ text: t.text, lang: this.to, weight: w }];
      if (this.config.bagWeight > 0 && t.bag !== t.text) q.translations.push({ text: t.bag, lang: this.to, weight: w * this.config.bagWeight });
    }
  }

  /** The language detector over the languages with a lexicon (none: no detector). */
  private detectorOf(): Promise<LanguageDetector | undefined> {
    this.detector ??= (async () => {
      const langs = this.tables.languages();
      return langs.length ? languageDetector([this.to, ...langs]) : undefined;
    })();
    return this.detector;
  }

  /** The translator for queries in `lang`; undefined when `lang` is the vocabulary's or no lexicon covers the pair. */
  translator(lang: string): Translator | undefined {
    const from = lang.toLowerCase().split('-')[0]!;
    if (from === this.to) return undefined;
    if (!this.translators.has(from)) this.translators.set(from, this.build(from));
    return this.translators.get(from);
  }

  /** The pair's translator from its (cached) table. */
  private build(from: string): Translator | undefined {
    const table = this.tables.table(from);
    return table && table.entries.length ? new Translator(table) : undefined;
  }

  describe(): string {
    return `translate: queries in other languages → ${this.to} through the store's lexicons (weight ${this.config.weight}, bag ${this.config.bagWeight}, ${this.config.alternatives} alternatives per word${this.config.detect ? ', language detected when not given' : ''})`;
  }
}

export const translateStage = defineStage({
  name: 'translate',
  section: (config) => config.translate,
  build: (section, { store, resources, cache }) => new TranslateStage(section, translationTables(store, section, resources.index, cache)),
});
