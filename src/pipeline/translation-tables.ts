/**
 * The translation tables of a vocabulary's language: for each language with a lexicon to
 * it, the table its translator is built from (src/lexicon/translator.ts), made from the
 * store's lexicons for the pair and, with `pivots`, pairs through a third language for the
 * headwords the direct lexicons lack. Tables are cached by their lexicons' fingerprints.
 *
 * The translate stage translates queries with them; the trained dense encoder learns their
 * word translations (src/pipeline/crosslingual-training.ts).
 */
import { foldText } from '../core/fold.js';
import type { LexiconStore } from '../lexicon/store.js';
import { buildTranslationTable, type TranslationTable } from '../lexicon/translator.js';
import { BuildCache } from './cache.js';

/** Where the tables get their lexicon pairs, and the key of what they are. */
export interface LexiconSource {
  pairsFor: LexiconStore['pairsFor'];
  fingerprint: LexiconStore['fingerprint'];
  /** Languages with a lexicon to or from `to`. */
  languagesWith(to: string): string[];
}

export interface TableOptions {
  /** Translations kept per headword. */
  alternatives: number;
  /** Headwords the direct lexicons lack are translated through a third language. */
  pivots: boolean;
}

/** The cache folder of translation tables (they depend on the lexicons, not on a vocabulary). */
const TABLES = 'lexicons';
/** Bumped when a table is built differently from the same lexicons. */
const TABLE_VERSION = 3;

export class TranslationTables {
  private readonly tables = new Map<string, TranslationTable | undefined>();

  constructor(
    private readonly lexicons: LexiconSource,
    /** The vocabulary's language. */
    readonly to: string,
    private readonly options: TableOptions,
    private readonly cache: BuildCache = new BuildCache(undefined),
  ) {}

  /** Languages other than the vocabulary's with a lexicon to or from it. */
  languages(): string[] {
    return this.lexicons.languagesWith(this.to).filter((l) => l !== this.to);
  }

  /** The table `from` → the vocabulary's language; undefined when no lexicon covers the pair. */
  table(from: string): TranslationTable | undefined {
    if (from === this.to) return undefined;
    if (!this.tables.has(from)) this.tables.set(from, this.build(from, this.options.pivots));
    return this.tables.get(from);
  }

  /** What the table `from` → the vocabulary's language is made from ('' when nothing). */
  fingerprint(from: string): string {
    return this.parts(from, this.options.pivots).fingerprint;
  }

  private parts(from: string, pivots: boolean): { via: string[]; fingerprint: string } {
    const via = pivots ? this.lexicons.languagesWith(from).filter((p) => p !== this.to && p !== from && this.lexicons.fingerprint(p, this.to)) : [];
    const fingerprint = [this.lexicons.fingerprint(from, this.to), ...via.map((p) => `${p}:${this.lexicons.fingerprint(from, p)}>${this.lexicons.fingerprint(p, this.to)}`)].filter(Boolean).join('|');
    return { via, fingerprint };
  }

  /**
   * The direct lexicons' pairs and, with `pivots`, for headwords they lack, pairs through a
   * third language that has lexicons with both (e.g. Swedish → German → English), each
   * weighted by its second step's weight.
   */
  private build(from: string, pivots: boolean): TranslationTable | undefined {
    const { via, fingerprint } = this.parts(from, pivots);
    if (!fingerprint) return undefined;
    const options = { from, to: this.to, alternatives: this.options.alternatives };
    const name = `translation-${from}-${this.to}-${BuildCache.key({ fingerprint, ...options, pivots: via.length > 0, table: TABLE_VERSION })}.json`;
    const cached = this.cache.read(TABLES, name, (bytes) => JSON.parse(bytes.toString('utf8')) as TranslationTable);
    if (cached) return cached;
    const pairs = this.lexicons.pairsFor(from, this.to);
    // Pivots fill in headwords the direct lexicons lack; they do not re-weigh those they have.
    const direct = new Set(pairs.map((p) => p.sourceKey));
    for (const p of via) {
      const second = this.build(p, false);
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
}
