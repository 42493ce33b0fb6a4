/**
 * Bilingual lexicons in the store's SQLite file (tables `lexicons` and `lexicon_entries`,
 * schema v5): each lexicon is a list of translation pairs from one language to another,
 * with where it came from and its licence. A lexicon is written whole in one transaction,
 * replacing any previous version of the same name, so a failed import leaves the old one.
 *
 * A lexicon serves both directions: an English→Czech dictionary read backwards is a
 * Czech→English one (`pairsFor`), which matters because FreeDict's eng-X dictionaries are
 * often much larger than its X-eng ones.
 */
import type Database from 'better-sqlite3';
import { NotFoundError } from '../core/errors.js';
import { foldText } from '../core/fold.js';
import type { VocabStore } from '../store/store.js';

/** One translation: a source-language headword, a target-language text, the sense's rank (1 = first). */
export interface LexiconPair {
  source: string;
  target: string;
  rank: number;
}

export interface LexiconMeta {
  name: string;
  /** ISO 639-1 codes where there is one (`de`, `en`), else what the source names. */
  from: string;
  to: string;
  /** `dictd`, `tei`, `tsv`, `vocabulary`. */
  format: string;
  /** The file or folder it was read from (or the vocabulary's name). */
  source: string;
  description: string;
  licence: string;
  checksum: string;
}

export interface LexiconInfo extends LexiconMeta {
  importedAt: string;
  entries: number;
}

export interface LexiconStats extends LexiconInfo {
  /** Distinct headwords (match keys) and distinct translations. */
  headwords: number;
  targets: number;
  /** Translations per headword, mean. */
  perHeadword: number;
}

/** A pair as a pipeline reads it for one direction, with both match keys: `reversed` when the lexicon was read backwards. */
export interface DirectedPair extends LexiconPair {
  sourceKey: string;
  targetKey: string;
  lexicon: string;
  reversed: boolean;
  /** What the pair counts, when not 1 (a pair through a pivot language: its second step's weight). */
  weight?: number;
}

interface LexiconRow {
  id: number;
  name: string;
  from_lang: string;
  to_lang: string;
  format: string;
  source: string;
  description: string;
  licence: string;
  checksum: string;
  imported_at: string;
  entries: number;
}

function infoOf(r: LexiconRow): LexiconInfo {
  return {
    name: r.name,
    from: r.from_lang,
    to: r.to_lang,
    format: r.format,
    source: r.source,
    description: r.description,
    licence: r.licence,
    checksum: r.checksum,
    importedAt: r.imported_at,
    entries: r.entries,
  };
}

export class LexiconStore {
  private readonly db: Database.Database;

  /** The lexicons in `store`'s file; it lives as long as the store is open. */
  constructor(store: VocabStore) {
    this.db = store.database;
  }

  list(): LexiconInfo[] {
    return (this.db.prepare('SELECT * FROM lexicons ORDER BY name').all() as LexiconRow[]).map(infoOf);
  }

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM lexicons WHERE name = ?').get(name) !== undefined;
  }

  info(name: string): LexiconInfo {
    return infoOf(this.row(name));
  }

  stats(name: string): LexiconStats {
    const row = this.row(name);
    const s = this.db.prepare('SELECT COUNT(DISTINCT norm) AS headwords, COUNT(DISTINCT target) AS targets FROM lexicon_entries WHERE lexicon = ?').get(row.id) as { headwords: number; targets: number };
    return { ...infoOf(row), ...s, perHeadword: s.headwords ? row.entries / s.headwords : 0 };
  }

  /** Writes `pairs` as lexicon `meta.name`, replacing any previous version, in one transaction. */
  replace(meta: LexiconMeta, pairs: readonly LexiconPair[]): LexiconInfo {
    return this.replaceMany([{ meta, pairs }])[0]!;
  }

  /** Writes several lexicons in one transaction (each replacing its previous version): all or none. */
  replaceMany(lexicons: ReadonlyArray<{ meta: LexiconMeta; pairs: readonly LexiconPair[] }>): LexiconInfo[] {
    const importedAt = new Date().toISOString();
    const remove = this.db.prepare<[string]>('DELETE FROM lexicons WHERE name = ?');
    const head = this.db.prepare('INSERT INTO lexicons (name, from_lang, to_lang, format, source, description, licence, checksum, imported_at, entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insert = this.db.prepare<[number, string, string, string, string, number]>('INSERT INTO lexicon_entries (lexicon, source, norm, target, target_norm, rank) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { meta, pairs } of lexicons) {
        remove.run(meta.name);
        const id = Number(head.run(meta.name, meta.from, meta.to, meta.format, meta.source, meta.description, meta.licence, meta.checksum, importedAt, pairs.length).lastInsertRowid);
        for (const p of pairs) insert.run(id, p.source, foldText(p.source), p.target, foldText(p.target), p.rank);
      }
    })();
    return lexicons.map((l) => this.info(l.meta.name));
  }

  /** Removes a lexicon; whether there was one. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM lexicons WHERE name = ?').run(name).changes > 0;
  }

  /** The lexicons that translate `from` → `to`: those written that way, and those written `to` → `from` (read backwards). */
  lexiconsFor(from: string, to: string): Array<LexiconInfo & { reversed: boolean }> {
    return this.list().flatMap((l): Array<LexiconInfo & { reversed: boolean }> => (l.from === from && l.to === to ? [{ ...l, reversed: false }] : l.from === to && l.to === from ? [{ ...l, reversed: true }] : []));
  }

  /** Every pair translating `from` → `to`, the reversed lexicons' pairs turned around (rank 1 for them: no sense order survives the turn). */
  pairsFor(from: string, to: string): DirectedPair[] {
    const out: DirectedPair[] = [];
    const select = this.db.prepare<[number], { source: string; norm: string; target: string; target_norm: string; rank: number }>('SELECT source, norm, target, target_norm, rank FROM lexicon_entries WHERE lexicon = ?');
    for (const l of this.lexiconsFor(from, to)) {
      const id = this.row(l.name).id;
      for (const r of select.iterate(id)) {
        out.push(
          l.reversed
            ? { source: r.target, sourceKey: r.target_norm, target: r.source, targetKey: r.norm, rank: 1, lexicon: l.name, reversed: true }
            : { source: r.source, sourceKey: r.norm, target: r.target, targetKey: r.target_norm, rank: r.rank, lexicon: l.name, reversed: false },
        );
      }
    }
    return out;
  }

  /** A fingerprint of the lexicons for a language pair (names, checksums): cache keys of what is built from them. */
  fingerprint(from: string, to: string): string {
    return this.lexiconsFor(from, to)
      .map((l) => `${l.name}:${l.checksum}:${l.reversed ? 'r' : 'f'}`)
      .join(',');
  }

  /** The languages a lexicon translates to or from `lang`. */
  languagesWith(lang: string): string[] {
    return [...new Set(this.list().flatMap((l) => (l.from === lang ? [l.to] : l.to === lang ? [l.from] : [])))].sort();
  }

  private row(name: string): LexiconRow {
    const r = this.db.prepare('SELECT * FROM lexicons WHERE name = ?').get(name) as LexiconRow | undefined;
    if (!r) throw new NotFoundError(`no lexicon named "${name}" in the store (normkit lexicon list shows them)`);
    return r;
  }
}
