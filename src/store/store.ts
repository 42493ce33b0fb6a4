/**
 * VocabStore: vocabularies, concepts, terms, hierarchy and cross-references in one
 * SQLite file (better-sqlite3, WAL mode).
 *
 * Every write of a vocabulary is one transaction: a re-import replaces the old version
 * atomically, and a crash or error mid-write leaves the previous version as it was.
 * Readers (other processes included) keep seeing the old version until the commit.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { IoError, ioErrorOf, NormkitError, NotFoundError } from '../core/errors.js';
import { isWritable } from '../io/atomic.js';
import type { ImportReport, ParsedTerm, ParsedVocabulary, SynonymScope, TermKind } from './model.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export interface VocabularyMeta {
  name: string;
  version?: string;
  /** The files or URL it came from. */
  source: string;
  format: string;
  /** sha256 over the source files. */
  checksum: string;
}

export interface VocabularyInfo extends VocabularyMeta {
  importedAt: string;
  concepts: number;
  terms: number;
  codes: number;
  report: ImportReport;
}

/** A stored term as readers see it (the match key `norm` is internal). */
export type TermView = Omit<ParsedTerm, 'norm'>;

export interface ConceptRef {
  id: string;
  name: string;
}

export interface ConceptView {
  vocabulary: string;
  id: string;
  name: string;
  lang: string;
  description?: string;
  obsolete: boolean;
  types: string[];
  terms: TermView[];
  parents: ConceptRef[];
  children: ConceptRef[];
  xrefs: string[];
}

/** A term row as index builders read it. `conceptId` is the vocabulary's own id. */
export interface TermRow {
  termId: number;
  conceptId: string;
  text: string;
  norm: string;
  lang: string;
  kind: TermKind;
}

export interface CountWithConcepts {
  terms: number;
  concepts: number;
}

export interface VocabularyStats {
  name: string;
  version?: string;
  format: string;
  importedAt: string;
  checksum: string;
  concepts: number;
  obsolete: number;
  /** Name terms: preferred + alt + hidden. */
  terms: number;
  codes: number;
  byKind: Record<string, number>;
  /** Name terms per language, and how many concepts have at least one. */
  byLang: Record<string, CountWithConcepts>;
  /** Terms per source field, and how many concepts have at least one. */
  byOrigin: Record<string, CountWithConcepts>;
  byScope: Record<string, number>;
  types: Record<string, number>;
  edges: number;
  roots: number;
  xrefs: number;
  xrefPrefixes: Record<string, number>;
  /** Rows read per source file at import time. */
  files: ImportReport['files'];
  skipped: ImportReport['skipped'];
  duplicatesMerged: number;
}

export interface ReplaceOptions {
  /** Called inside the write transaction every `progressEvery` concepts, and once at the end. */
  onProgress?: (written: number, total: number) => void;
  progressEvery?: number;
  /**
   * Called inside the write transaction, before anything changes, with the concept count of
   * the version being replaced (undefined for a new vocabulary); what it throws aborts the write.
   */
  check?: (previousConcepts: number | undefined) => void;
}

interface VocabRow {
  id: number;
  name: string;
  version: string | null;
  format: string;
  source: string;
  checksum: string;
  imported_at: string;
  report: string;
}

export class VocabStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<VocabStore['prepare']>;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.stmts = this.prepare();
  }

  /**
   * Opens (creating if needed) the store at `path`, upgrading its schema. A store that
   * cannot be written (a read-only data dir) is an IoError naming it. Read-only, nothing
   * is ever written: in a folder this process cannot write, the file is opened immutable
   * (SQLite's `immutable=1`: no lock, no `-shm` file), which needs the store closed by its
   * writer (its write-ahead log checkpointed, as normkit does after every write).
   * `readonly: 'auto'` (commands that only read) opens read-only an existing store that
   * cannot be written, else as usual (creating and upgrading it).
   */
  static open(path: string, options: { readonly?: boolean | 'auto' } = {}): VocabStore {
    const readonly = options.readonly === 'auto' ? !(isWritable(path) && isWritable(dirname(path))) : (options.readonly ?? false);
    let db: Database.Database | undefined;
    try {
      if (readonly) {
        db = openReadOnly(path);
      } else {
        mkdirSync(dirname(path), { recursive: true });
        if (!isWritable(path) || !isWritable(dirname(path))) {
          throw new IoError(`cannot write the store ${path}: its folder or file is read-only (commands that only read work there)`, path);
        }
        db = new Database(path);
      }
      db.pragma('busy_timeout = 10000');
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      db.pragma('cache_size = -65536');
      migrate(db, path);
      return new VocabStore(path, db);
    } catch (err) {
      if (db?.open) db.close();
      if (err instanceof NormkitError) throw err;
      throw ioErrorOf(err, path) ?? new NormkitError(`cannot open store ${path}: ${(err as Error).message}`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * The store's connection, for state that another module keeps in the same file (the HTTP
   * service's keys, synonyms and rules: src/server/state.ts). Its lifetime is the store's.
   */
  get database(): Database.Database {
    return this.db;
  }

  listVocabularies(): VocabularyInfo[] {
    return (this.stmts.listVocabs.all() as VocabRow[]).map((r) => this.info(r));
  }

  hasVocabulary(name: string): boolean {
    return this.stmts.vocabByName.get(name) !== undefined;
  }

  vocabulary(name: string): VocabularyInfo {
    return this.info(this.vocabRow(name));
  }

  /**
   * Writes `parsed` as vocabulary `meta.name`, replacing any previous version, in one
   * transaction. Throws (and changes nothing) if anything fails.
   */
  replaceVocabulary(meta: VocabularyMeta, parsed: ParsedVocabulary, options: ReplaceOptions = {}): VocabularyInfo {
    const s = this.stmts;
    const every = options.progressEvery ?? 2000;
    const total = parsed.concepts.length;
    const write = this.db.transaction(() => {
      options.check?.(this.hasVocabulary(meta.name) ? this.vocabulary(meta.name).concepts : undefined);
      s.deleteVocab.run(meta.name);
      const vocabId = Number(
        s.insertVocab.run(
          meta.name,
          meta.version ?? null,
          meta.format,
          meta.source,
          meta.checksum,
          new Date().toISOString(),
          JSON.stringify(parsed.report),
        ).lastInsertRowid,
      );
      const rowids = new Map<string, number>();
      let written = 0;
      for (const c of parsed.concepts) {
        const rowid = Number(
          s.insertConcept.run(vocabId, c.id, c.name, c.lang, c.description ?? null, c.obsolete ? 1 : 0).lastInsertRowid,
        );
        rowids.set(c.id, rowid);
        for (const t of c.terms) {
          s.insertTerm.run(vocabId, rowid, t.text, t.norm, t.lang, t.kind, t.scope ?? null, t.origin ?? null);
        }
        for (const type of c.types) s.insertType.run(rowid, type);
        for (const x of c.xrefs) s.insertXref.run(rowid, x);
        written++;
        if (options.onProgress && written % every === 0) options.onProgress(written, total);
      }
      for (const c of parsed.concepts) {
        const child = rowids.get(c.id)!;
        for (const p of c.parents) s.insertEdge.run(child, rowids.get(p)!);
      }
      options.onProgress?.(written, total);
      return vocabId;
    });
    this.writing(() => write.immediate());
    this.db.pragma('wal_checkpoint(PASSIVE)');
    return this.vocabulary(meta.name);
  }

  /** Runs a write: a full disk or a read-only store is an IoError naming the store's file. */
  private writing<T>(write: () => T): T {
    try {
      return write();
    } catch (err) {
      throw ioErrorOf(err, this.path) ?? err;
    }
  }

  /** Removes a vocabulary and everything in it. Returns false if there was none. */
  removeVocabulary(name: string): boolean {
    const res = this.writing(() => this.db.transaction(() => this.stmts.deleteVocab.run(name)).immediate());
    this.db.pragma('wal_checkpoint(PASSIVE)');
    return res.changes > 0;
  }

  concept(vocabulary: string, id: string): ConceptView {
    const v = this.vocabRow(vocabulary);
    const row = this.stmts.conceptByCid.get(v.id, id) as
      | { id: number; cid: string; name: string; lang: string; description: string | null; obsolete: number }
      | undefined;
    if (!row) throw new NotFoundError(`vocabulary "${vocabulary}" has no concept "${id}"`);
    const terms = (
      this.stmts.termsOfConcept.all(row.id) as Array<{
        text: string;
        lang: string;
        kind: TermKind;
        scope: SynonymScope | null;
        origin: string | null;
      }>
    ).map((t) => ({
      text: t.text,
      lang: t.lang,
      kind: t.kind,
      ...(t.scope ? { scope: t.scope } : {}),
      ...(t.origin ? { origin: t.origin } : {}),
    }));
    return {
      vocabulary,
      id: row.cid,
      name: row.name,
      lang: row.lang,
      ...(row.description ? { description: row.description } : {}),
      obsolete: row.obsolete === 1,
      types: (this.stmts.typesOfConcept.all(row.id) as Array<{ type: string }>).map((r) => r.type),
      terms,
      parents: this.stmts.parentsOf.all(row.id) as ConceptRef[],
      children: this.stmts.childrenOf.all(row.id) as ConceptRef[],
      xrefs: (this.stmts.xrefsOfConcept.all(row.id) as Array<{ target: string }>).map((r) => r.target),
    };
  }

  /** Concepts with a term whose match key is exactly `norm` (see `foldText` / `foldCode`), each with its first such term. */
  /** Every parent link of a vocabulary's concepts, as (child id, parent id). */
  parentLinks(vocabulary: string): Array<[string, string]> {
    return (this.stmts.parentLinks.all(this.vocabRow(vocabulary).id) as Array<{ child: string; parent: string }>).map((r) => [r.child, r.parent]);
  }

  /** The ids of a vocabulary's concepts that have one of `types`. */
  conceptsOfTypes(vocabulary: string, types: readonly string[]): string[] {
    const v = this.vocabRow(vocabulary).id;
    const ids = new Set<string>();
    for (const type of types) for (const r of this.stmts.conceptsOfType.all(v, type) as Array<{ id: string }>) ids.add(r.id);
    return [...ids].sort();
  }

  lookupNorm(vocabulary: string, norm: string): Array<ConceptRef & { text: string; kind: TermKind; lang: string }> {
    const v = this.vocabRow(vocabulary);
    return (this.stmts.byNorm.all(v.id, norm) as Array<ConceptRef & { text: string; kind: TermKind; lang: string; first?: number }>).map(
      ({ first: _first, ...row }) => row,
    );
  }

  /**
   * All terms of a vocabulary, in id order, for building indexes. Codes and obsolete
   * concepts are left out unless asked for; `types` keeps only concepts with one of them.
   */
  *terms(
    vocabulary: string,
    options: { includeCodes?: boolean; includeObsolete?: boolean; types?: readonly string[] } = {},
  ): IterableIterator<TermRow> {
    const v = this.vocabRow(vocabulary);
    const types = options.types ?? [];
    const stmt =
      types.length === 0
        ? this.stmts.allTerms
        : this.db.prepare(
            `SELECT t.id AS termId, c.cid AS conceptId, t.text, t.norm, t.lang, t.kind
             FROM terms t JOIN concepts c ON c.id = t.concept
             WHERE t.vocab = ? AND (? OR t.kind != 'code') AND (? OR c.obsolete = 0)
               AND EXISTS (SELECT 1 FROM concept_types ct WHERE ct.concept = c.id AND ct.type IN (${types.map(() => '?').join(', ')}))
             ORDER BY t.id`,
          );
    yield* stmt.iterate(v.id, options.includeCodes ? 1 : 0, options.includeObsolete ? 1 : 0, ...types) as IterableIterator<TermRow>;
  }

  stats(name: string): VocabularyStats {
    const v = this.vocabRow(name);
    const info = this.info(v);
    const one = (sql: string): number => (this.db.prepare(sql).pluck().get(v.id) as number | null) ?? 0;
    const grouped = (sql: string): Record<string, number> =>
      Object.fromEntries((this.db.prepare(sql).raw().all(v.id) as Array<[string, number]>).map(([k, n]) => [k, n]));
    const groupedWithConcepts = (sql: string): Record<string, CountWithConcepts> =>
      Object.fromEntries(
        (this.db.prepare(sql).raw().all(v.id) as Array<[string, number, number]>).map(([k, terms, concepts]) => [
          k,
          { terms, concepts },
        ]),
      );
    const byKind = grouped(`SELECT kind, count(*) FROM terms WHERE vocab = ? GROUP BY kind ORDER BY kind`);
    return {
      name: v.name,
      ...(v.version ? { version: v.version } : {}),
      format: v.format,
      importedAt: v.imported_at,
      checksum: v.checksum,
      concepts: info.concepts,
      obsolete: one(`SELECT count(*) FROM concepts WHERE vocab = ? AND obsolete = 1`),
      terms: info.terms,
      codes: info.codes,
      byKind,
      byLang: groupedWithConcepts(
        `SELECT lang, count(*), count(DISTINCT concept) FROM terms WHERE vocab = ? AND kind != 'code' GROUP BY lang ORDER BY count(*) DESC`,
      ),
      byOrigin: groupedWithConcepts(
        `SELECT coalesce(origin, '(none)'), count(*), count(DISTINCT concept) FROM terms WHERE vocab = ? GROUP BY origin ORDER BY count(*) DESC`,
      ),
      byScope: grouped(
        `SELECT scope, count(*) FROM terms WHERE vocab = ? AND scope IS NOT NULL GROUP BY scope ORDER BY count(*) DESC`,
      ),
      types: grouped(
        `SELECT t.type, count(*) FROM concept_types t JOIN concepts c ON c.id = t.concept WHERE c.vocab = ? GROUP BY t.type ORDER BY count(*) DESC`,
      ),
      edges: one(`SELECT count(*) FROM edges e JOIN concepts c ON c.id = e.child WHERE c.vocab = ?`),
      roots: one(
        `SELECT count(*) FROM concepts c WHERE c.vocab = ? AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.child = c.id)`,
      ),
      xrefs: one(`SELECT count(*) FROM xrefs x JOIN concepts c ON c.id = x.concept WHERE c.vocab = ?`),
      xrefPrefixes: grouped(
        `SELECT CASE WHEN instr(x.target, ':') > 0 THEN substr(x.target, 1, instr(x.target, ':') - 1) ELSE '(none)' END AS p, count(*)
         FROM xrefs x JOIN concepts c ON c.id = x.concept WHERE c.vocab = ? GROUP BY p ORDER BY count(*) DESC`,
      ),
      files: info.report.files,
      skipped: info.report.skipped,
      duplicatesMerged: info.report.duplicatesMerged,
    };
  }

  /** Cached vectors of `encoder` for each hash (undefined where none is cached). */
  getEmbeddings(encoder: string, hashes: readonly Buffer[]): Array<Float32Array | undefined> {
    return this.db.transaction(() =>
      hashes.map((h) => {
        const blob = this.stmts.getEmbedding.get(encoder, h) as Buffer | undefined;
        return blob ? new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)) : undefined;
      }),
    )();
  }

  /** Stores vectors of `encoder` by text hash, in one transaction. */
  putEmbeddings(encoder: string, entries: ReadonlyArray<readonly [Buffer, Float32Array]>): void {
    this.db.transaction(() => {
      for (const [h, v] of entries) this.stmts.putEmbedding.run(encoder, h, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    })();
  }

  /** Vectors cached per encoder fingerprint. */
  embeddingCacheStats(): Array<{ encoder: string; vectors: number; bytes: number }> {
    return this.stmts.embeddingCounts.all() as Array<{ encoder: string; vectors: number; bytes: number }>;
  }

  /** Drops cached vectors (of one encoder, or all); returns how many. */
  clearEmbeddings(encoder?: string): number {
    const r = encoder ? this.db.prepare(`DELETE FROM embeddings WHERE encoder = ?`).run(encoder) : this.db.prepare(`DELETE FROM embeddings`).run();
    return r.changes;
  }

  /** The vector index of a vocabulary for an encoder: its file and header (JSON), if built. */
  vectorIndex(vocabulary: string, encoder: string): { id: number; file: string; header: string } | undefined {
    const v = this.vocabRow(vocabulary);
    return this.db.prepare(`SELECT id, file, header FROM vector_indexes WHERE vocab = ? AND encoder = ?`).get(v.id, encoder) as { id: number; file: string; header: string } | undefined;
  }

  /** Encoders a vocabulary has vector indexes for. */
  vectorIndexEncoders(vocabulary: string): string[] {
    const v = this.vocabRow(vocabulary);
    return this.db.prepare(`SELECT encoder FROM vector_indexes WHERE vocab = ? ORDER BY encoder`).pluck().all(v.id) as string[];
  }

  /** Label → term id pairs of a vector index. */
  vectorLabels(indexId: number): Array<{ label: number; termId: number }> {
    return this.db.prepare(`SELECT label, term AS termId FROM vector_labels WHERE idx = ? ORDER BY label`).all(indexId) as Array<{ label: number; termId: number }>;
  }

  /**
   * Records a built vector index in one transaction (the commit point: until it returns,
   * readers see the previous index). Returns the file the previous row named, for cleanup.
   */
  commitVectorIndex(vocabulary: string, encoder: string, file: string, header: string, labels: ReadonlyArray<readonly [number, number]>): string | undefined {
    const v = this.vocabRow(vocabulary);
    return this.db.transaction(() => {
      const prev = this.db.prepare(`SELECT id, file FROM vector_indexes WHERE vocab = ? AND encoder = ?`).get(v.id, encoder) as { id: number; file: string } | undefined;
      if (prev) this.db.prepare(`DELETE FROM vector_indexes WHERE id = ?`).run(prev.id);
      const id = Number(this.db.prepare(`INSERT INTO vector_indexes (vocab, encoder, file, header) VALUES (?, ?, ?, ?)`).run(v.id, encoder, file, header).lastInsertRowid);
      const put = this.db.prepare(`INSERT INTO vector_labels (idx, label, term) VALUES (?, ?, ?)`);
      for (const [label, term] of labels) put.run(id, label, term);
      return prev && prev.file !== file ? prev.file : undefined;
    }).immediate();
  }

  private vocabRow(name: string): VocabRow {
    const row = this.stmts.vocabByName.get(name) as VocabRow | undefined;
    if (!row) {
      const known = (this.stmts.listVocabs.all() as VocabRow[]).map((r) => r.name);
      throw new NotFoundError(
        `no vocabulary named "${name}" in ${this.path}` +
          (known.length ? ` (have: ${known.join(', ')})` : ' (the store is empty; import one with `normkit vocab import`)'),
      );
    }
    return row;
  }

  private info(r: VocabRow): VocabularyInfo {
    const counts = this.stmts.counts.get(r.id, r.id) as { concepts: number; terms: number; codes: number };
    return {
      name: r.name,
      ...(r.version ? { version: r.version } : {}),
      format: r.format,
      source: r.source,
      checksum: r.checksum,
      importedAt: r.imported_at,
      concepts: counts.concepts,
      terms: counts.terms ?? 0,
      codes: counts.codes ?? 0,
      report: JSON.parse(r.report) as ImportReport,
    };
  }

  private prepare() {
    const db = this.db;
    return {
      listVocabs: db.prepare(`SELECT * FROM vocabularies ORDER BY name`),
      vocabByName: db.prepare(`SELECT * FROM vocabularies WHERE name = ?`),
      counts: db.prepare(
        `SELECT (SELECT count(*) FROM concepts WHERE vocab = ?) AS concepts,
                sum(kind != 'code') AS terms, sum(kind = 'code') AS codes
         FROM terms WHERE vocab = ?`,
      ),
      deleteVocab: db.prepare(`DELETE FROM vocabularies WHERE name = ?`),
      insertVocab: db.prepare(
        `INSERT INTO vocabularies (name, version, format, source, checksum, imported_at, report) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertConcept: db.prepare(
        `INSERT INTO concepts (vocab, cid, name, lang, description, obsolete) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      insertTerm: db.prepare(
        `INSERT INTO terms (vocab, concept, text, norm, lang, kind, scope, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertType: db.prepare(`INSERT INTO concept_types (concept, type) VALUES (?, ?)`),
      insertXref: db.prepare(`INSERT INTO xrefs (concept, target) VALUES (?, ?)`),
      insertEdge: db.prepare(`INSERT INTO edges (child, parent) VALUES (?, ?)`),
      conceptByCid: db.prepare(`SELECT * FROM concepts WHERE vocab = ? AND cid = ?`),
      termsOfConcept: db.prepare(`SELECT text, lang, kind, scope, origin FROM terms WHERE concept = ? ORDER BY id`),
      typesOfConcept: db.prepare(`SELECT type FROM concept_types WHERE concept = ? ORDER BY type`),
      conceptsOfType: db.prepare(`SELECT DISTINCT c.cid AS id FROM concept_types t JOIN concepts c ON c.id = t.concept WHERE c.vocab = ? AND t.type = ? ORDER BY c.cid`),
      xrefsOfConcept: db.prepare(`SELECT target FROM xrefs WHERE concept = ? ORDER BY target`),
      parentsOf: db.prepare(
        `SELECT c.cid AS id, c.name FROM edges e JOIN concepts c ON c.id = e.parent WHERE e.child = ? ORDER BY c.cid`,
      ),
      parentLinks: db.prepare(
        `SELECT c.cid AS child, p.cid AS parent FROM edges e JOIN concepts c ON c.id = e.child JOIN concepts p ON p.id = e.parent WHERE c.vocab = ? ORDER BY c.cid, p.cid`,
      ),
      childrenOf: db.prepare(
        `SELECT c.cid AS id, c.name FROM edges e JOIN concepts c ON c.id = e.child WHERE e.parent = ? ORDER BY c.cid`,
      ),
      byNorm: db.prepare(
        // One row per concept: SQLite takes the bare columns from the row with min(t.id), its first matching term.
        `SELECT c.cid AS id, c.name, t.text, t.kind, t.lang, min(t.id) AS first FROM terms t JOIN concepts c ON c.id = t.concept
         WHERE t.vocab = ? AND t.norm = ? GROUP BY t.concept ORDER BY c.cid`,
      ),
      getEmbedding: db.prepare(`SELECT vector FROM embeddings WHERE encoder = ? AND text_hash = ?`).pluck(),
      putEmbedding: db.prepare(`INSERT OR REPLACE INTO embeddings (encoder, text_hash, vector) VALUES (?, ?, ?)`),
      embeddingCounts: db.prepare(`SELECT encoder, count(*) AS vectors, sum(length(vector)) AS bytes FROM embeddings GROUP BY encoder ORDER BY encoder`),
      allTerms: db.prepare(
        `SELECT t.id AS termId, c.cid AS conceptId, t.text, t.norm, t.lang, t.kind
         FROM terms t JOIN concepts c ON c.id = t.concept
         WHERE t.vocab = ? AND (? OR t.kind != 'code') AND (? OR c.obsolete = 0) ORDER BY t.id`,
      ),
    };
  }
}

// better-sqlite3 reads SQLite URI filenames (the immutable open below) only when this is
// set as it loads its addon, at the first open.
process.env['SQLITE_USE_URI'] ??= '1';

/**
 * The store opened read-only: as is where its folder can be written (SQLite may add the
 * `-shm` file that WAL readers share, and sees writers' commits), else immutable, which
 * writes nothing anywhere. A folder that cannot be written but holds a non-empty write-ahead
 * log (its writer still has the store open) is read through that log when SQLite can.
 */
function openReadOnly(path: string): Database.Database {
  if (!existsSync(path)) throw new NotFoundError(`no store at ${path} (import a vocabulary first: normkit vocab import)`);
  const wal = `${path}-wal`;
  if (isWritable(dirname(path)) || (existsSync(wal) && statSync(wal).size > 0)) return new Database(path, { readonly: true, fileMustExist: true });
  return new Database(`${pathToFileURL(path).href}?mode=ro&immutable=1`, { readonly: true, fileMustExist: true });
}

function migrate(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new NormkitError(
      `store ${path} has schema version ${version}, newer than this normkit (${SCHEMA_VERSION}); upgrade normkit or use another --data-dir`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  if (db.readonly) throw new NormkitError(`store ${path} needs a schema upgrade; open it once without read-only mode`);
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
