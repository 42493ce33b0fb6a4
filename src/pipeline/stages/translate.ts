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
import { foldText } from '../../core/fold.js';
import { LexiconStore } from '../../lexicon/store.js';
import { buildTranslationTable, Translator, type TranslationTable } from '../../lexicon/translator.js';
import { BuildCache } from '../cache.js';
import type { TranslateConfig } from '../config.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

/** Where a translator gets its lexicon pairs, and the key of what they are. */
export interface LexiconSource {
  pairsFor: LexiconStore['pairsFor'];
  fingerprint: LexiconStore['fingerprint'];
  /** Languages with a lexicon to or from `to`. */
  languagesWith(to: string): string[];
}

/** The cache folder of translation tables (they depend on the lexicons, not on a vocabulary). */
const TABLES = 'lexicons';

export class TranslateStage implements Stage {
  readonly name = 'translate';
  private readonly translators = new Map<string, Translator | undefined>();
  private detector: Promise<LanguageDetector | undefined> | undefined;

  constructor(
    private readonly config: TranslateConfig,
    private readonly lexicons: LexiconSource,
    /** The vocabulary's language. */
    readonly to: string,
    private readonly cache: BuildCache = new BuildCache(undefined),
  ) {}

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
      const langs = this.lexicons.languagesWith(this.to);
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

  /** The pair's translator from its cached table, or from the lexicons (and then cached). */
  private build(from: string): Translator | undefined {
    const table = this.table(from, this.config.pivots);
    return table && table.entries.length ? new Translator(table) : undefined;
  }

  /**
   * The translation table `from` → the vocabulary's language: the direct lexicons' pairs and,
   * with `pivots`, for headwords they lack, pairs through a third language that has lexicons
   * with both (e.g. Swedish → German → English), each weighted by its second step's weight.
   */
  private table(from: string, pivots: boolean): TranslationTable | undefined {
    const via = pivots ? this.lexicons.languagesWith(from).filter((p) => p !== this.to && p !== from && this.lexicons.fingerprint(p, this.to)) : [];
    const fingerprint = [this.lexicons.fingerprint(from, this.to), ...via.map((p) => `${p}:${this.lexicons.fingerprint(from, p)}>${this.lexicons.fingerprint(p, this.to)}`)].filter(Boolean).join('|');
    if (!fingerprint) return undefined;
    const options = { from, to: this.to, alternatives: this.config.alternatives };
    const name = `translation-${from}-${this.to}-${BuildCache.key({ fingerprint, ...options, pivots: via.length > 0, table: 3 })}.json`;
    const cached = this.cache.read(TABLES, name, (bytes) => JSON.parse(bytes.toString('utf8')) as TranslationTable);
    if (cached) return cached;
    const pairs = this.lexicons.pairsFor(from, this.to);
    // Pivots fill in headwords the direct lexicons lack; they do not re-weigh those they have.
    const direct = new Set(pairs.map((p) => p.sourceKey));
    for (const p of via) {
      const second = this.table(p, false);
      if (!second) continue;
      const next = new Map(second.entries);
      for (const first of this.lexicons.pairsFor(from, p)) {
        const targets = next.get(first.targetKey);
        if (!targets || direct.has(first.sourceKey)) continue;
        for (const t of targets.slice(0, 2)) {
          pairs.push({ source: first.source, sourceKey: first.sourceKey, target: t.text, targetKey: foldText(t.text), rank: first.rank, lexicon: `${first.lexicon} via ${p}`, reversed: first.reversed, weight: t.weight });
        }
      }
    }
    const table = buildTranslationTable(pairs, options);
    this.cache.write(TABLES, name, JSON.stringify(table));
    return table;
  }

  describe(): string {
    return `translate: queries in other languages → ${this.to} through the store's lexicons (weight ${this.config.weight}, bag ${this.config.bagWeight}, ${this.config.alternatives} alternatives per word${this.config.detect ? ', language detected when not given' : ''})`;
  }
}

export const translateStage = defineStage({
  name: 'translate',
  section: (config) => config.translate,
  build: (section, { store, resources, cache }) => new TranslateStage(section, new LexiconStore(store), (section.to ?? resources.index.langs[0] ?? 'en').toLowerCase(), cache),
});
