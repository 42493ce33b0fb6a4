/**
 * TermVectorIndex: an HNSW index over every term of a vocabulary, for one encoder.
 *
 * On disk, per vocabulary and encoder: `<dir>/<vocabulary>/vectors-<encoder>-<stamp>.hnsw`
 * (hnswlib's file) with its header beside it (`.hnsw.json`). In the store: a row naming the
 * file with the same header, and the label → term id pairs. Saving writes a new file
 * (temporary name, then rename), then commits the row and labels in one transaction, then
 * deletes the previous file: a crash at any point leaves the previous index usable.
 *
 * The header records the encoder fingerprint, dim, count, HNSW parameters and the
 * vocabulary's checksum and import time; loading checks them and says how to rebuild.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Encoder } from '../encoders/encoder.js';
import { InputError, NotFoundError } from '../core/errors.js';
import type { TermRow, VocabStore } from '../store/store.js';
import { DEFAULT_HNSW, HnswIndex, type HnswParams, type VectorHit } from './hnsw.js';
import { writeAtomic } from '../io/atomic.js';

export const VECTOR_FORMAT = 'normkit-term-vectors-1';

export interface TermVectorHeader {
  format: typeof VECTOR_FORMAT;
  vocabulary: string;
  vocabularyChecksum: string;
  vocabularyImportedAt: string;
  encoder: string;
  dim: number;
  /** Live terms. */
  count: number;
  /** Labels marked deleted (incremental removes). */
  removed: number;
  /** Next free label. */
  nextLabel: number;
  params: HnswParams;
  createdAt: string;
}

export interface VectorTerm {
  termId: number;
  conceptId: string;
  text: string;
  lang: string;
}

export interface TermVectorHit extends VectorHit {
  term: VectorTerm;
}

export interface ConceptVectorHit {
  conceptId: string;
  score: number;
  /** The concept's best term. */
  term: VectorTerm;
}

export interface BuildVectorOptions {
  /** Where index files go (a folder per vocabulary is made in it). */
  dir: string;
  params?: Partial<HnswParams>;
  /** Texts per encoder call. Default 256. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** How to rebuild, for error messages. */
function rebuildHint(vocabulary: string): string {
  return `rebuild it with \`normkit index build --vocab ${vocabulary} --model <the model>\``;
}

function shortFingerprint(fp: string): string {
  return createHash('sha256').update(fp).digest('hex').slice(0, 12);
}

export class TermVectorIndex {
  private constructor(
    private header: TermVectorHeader,
    readonly hnsw: HnswIndex,
    /** label → term */
    private readonly byLabel: Map<number, VectorTerm>,
    private readonly store: VocabStore,
    private readonly dir: string,
  ) {}

  get info(): Readonly<TermVectorHeader> {
    return this.header;
  }

  /** The file the store currently names for this index. */
  static fileOf(store: VocabStore, vocabulary: string, encoder: string): string | undefined {
    return store.vectorIndex(vocabulary, encoder)?.file;
  }

  /** Embeds every term of `vocabulary` (codes excluded) and builds and saves the index. */
  static async build(store: VocabStore, vocabulary: string, encoder: Encoder, options: BuildVectorOptions): Promise<TermVectorIndex> {
    const info = store.vocabulary(vocabulary);
    const params: HnswParams = { ...DEFAULT_HNSW, ...options.params };
    const terms = [...store.terms(vocabulary)].map((t: TermRow): VectorTerm => ({ termId: t.termId, conceptId: t.conceptId, text: t.text, lang: t.lang }));
    const hnsw = HnswIndex.create(encoder.dim, params, Math.max(1, terms.length));
    const batch = options.batchSize ?? 256;
    const byLabel = new Map<number, VectorTerm>();
    for (let i = 0; i < terms.length; i += batch) {
      const chunk = terms.slice(i, i + batch);
      const vectors = await encoder.embed(
        chunk.map((t) => t.text),
        { role: 'passage' },
      );
      hnsw.add(
        vectors,
        chunk.map((_, j) => i + j),
      );
      chunk.forEach((t, j) => byLabel.set(i + j, t));
      options.onProgress?.(Math.min(terms.length, i + batch), terms.length);
    }
    const header: TermVectorHeader = {
      format: VECTOR_FORMAT,
      vocabulary,
      vocabularyChecksum: info.checksum,
      vocabularyImportedAt: info.importedAt,
      encoder: encoder.fingerprint,
      dim: encoder.dim,
      count: terms.length,
      removed: 0,
      nextLabel: terms.length,
      params,
      createdAt: new Date().toISOString(),
    };
    const index = new TermVectorIndex(header, hnsw, byLabel, store, options.dir);
    index.save();
    return index;
  }

  /**
   * Loads the index of `vocabulary` built with `encoder` (its fingerprint and dim). Fails
   * with a clear error when there is none, when it was built for another encoder or another
   * version of the vocabulary, or when its file is missing or not the one the store names.
   */
  static load(store: VocabStore, vocabulary: string, encoder: Pick<Encoder, 'fingerprint' | 'dim'>, options: { dir: string; ef?: number }): TermVectorIndex {
    const row = store.vectorIndex(vocabulary, encoder.fingerprint);
    if (!row) {
      const others = store.vectorIndexEncoders(vocabulary);
      const built = others.length ? ` (it has one for ${others.join(', ')}: built with another encoder)` : '';
      throw new NotFoundError(`no vector index of vocabulary "${vocabulary}" for encoder ${encoder.fingerprint}${built}; ${rebuildHint(vocabulary)}`);
    }
    const header = JSON.parse(row.header) as TermVectorHeader;
    const info = store.vocabulary(vocabulary);
    if (header.format !== VECTOR_FORMAT) throw new InputError([{ file: row.file, field: 'format', reason: 'format', message: `not a ${VECTOR_FORMAT} index (found ${String(header.format)}); ${rebuildHint(vocabulary)}` }]);
    if (header.encoder !== encoder.fingerprint || header.dim !== encoder.dim) {
      throw new InputError([{ file: row.file, field: 'encoder', reason: 'stale', message: `the index was built with encoder ${header.encoder} (dim ${header.dim}), not ${encoder.fingerprint} (dim ${encoder.dim}); ${rebuildHint(vocabulary)}` }]);
    }
    if (header.vocabularyChecksum !== info.checksum || header.vocabularyImportedAt !== info.importedAt) {
      throw new InputError([
        {
          file: row.file,
          field: 'vocabulary',
          reason: 'stale',
          message: `the index was built for vocabulary "${vocabulary}" imported ${header.vocabularyImportedAt} (checksum ${header.vocabularyChecksum.slice(0, 12)}), but the store now holds the one imported ${info.importedAt} (checksum ${info.checksum.slice(0, 12)}); ${rebuildHint(vocabulary)}`,
        },
      ]);
    }
    if (!existsSync(row.file)) throw new InputError([{ file: row.file, reason: 'missing', message: `the index file is missing; ${rebuildHint(vocabulary)}` }]);
    const side = `${row.file}.json`;
    if (!existsSync(side) || readFileSync(side, 'utf8') !== row.header) {
      throw new InputError([{ file: side, field: 'header', reason: 'mismatch', message: `the index file's header does not match the store's record of it; ${rebuildHint(vocabulary)}` }]);
    }
    const params = { ...header.params, ...(options.ef ? { ef: options.ef } : {}) };
    const hnsw = HnswIndex.read(row.file, header.dim, params, header.removed);
    const terms = new Map<number, TermRow>();
    for (const t of store.terms(vocabulary)) terms.set(t.termId, t);
    const byLabel = new Map<number, VectorTerm>();
    for (const { label, termId } of store.vectorLabels(row.id)) {
      const t = terms.get(termId);
      if (t) byLabel.set(label, { termId, conceptId: t.conceptId, text: t.text, lang: t.lang });
    }
    return new TermVectorIndex(header, hnsw, byLabel, store, options.dir);
  }

  /** The k nearest terms. */
  searchTerms(vector: Float32Array, k: number): TermVectorHit[] {
    return this.hnsw.search(vector, k).flatMap((h) => {
      const term = this.byLabel.get(h.label);
      return term ? [{ ...h, term }] : [];
    });
  }

  /**
   * The top k concepts: the `kPrime` nearest terms (default max(5k, 50)), the best per
   * concept, in order of that term's score.
   */
  searchConcepts(vector: Float32Array, k: number, kPrime = Math.max(5 * k, 50)): ConceptVectorHit[] {
    const out: ConceptVectorHit[] = [];
    const seen = new Set<string>();
    for (const h of this.searchTerms(vector, kPrime)) {
      if (seen.has(h.term.conceptId)) continue;
      seen.add(h.term.conceptId);
      out.push({ conceptId: h.term.conceptId, score: h.score, term: h.term });
      if (out.length >= k) break;
    }
    return out;
  }

  /** Adds terms (embedded with `encoder`, which must be the index's). Call `save()` to keep them. */
  async addTerms(encoder: Encoder, terms: readonly VectorTerm[]): Promise<void> {
    if (encoder.fingerprint !== this.header.encoder) throw new Error(`encoder ${encoder.fingerprint} is not the index's (${this.header.encoder})`);
    if (terms.length === 0) return;
    const vectors = await encoder.embed(
      terms.map((t) => t.text),
      { role: 'passage' },
    );
    const labels = terms.map((_, i) => this.header.nextLabel + i);
    this.hnsw.add(vectors, labels);
    terms.forEach((t, i) => this.byLabel.set(labels[i]!, t));
    this.header = { ...this.header, nextLabel: this.header.nextLabel + terms.length, count: this.header.count + terms.length };
  }

  /** Removes terms by term id (hnswlib's markDelete). Call `save()` to keep the change. Returns how many were found. */
  removeTerms(termIds: readonly number[]): number {
    const drop = new Set(termIds);
    const labels = [...this.byLabel].filter(([, t]) => drop.has(t.termId)).map(([l]) => l);
    this.hnsw.remove(labels);
    for (const l of labels) this.byLabel.delete(l);
    this.header = { ...this.header, count: this.header.count - labels.length, removed: this.header.removed + labels.length };
    return labels.length;
  }

  /** Writes a new index file and commits it (see the module comment). */
  save(): void {
    const folder = join(this.dir, this.header.vocabulary);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `vectors-${shortFingerprint(this.header.encoder)}-${Date.now().toString(36)}-${process.pid}.hnsw`);
    this.hnsw.write(file);
    const headerText = JSON.stringify(this.header);
    writeAtomic(`${file}.json`, headerText);
    const labels = [...this.byLabel].map(([label, t]) => [label, t.termId] as const);
    let previous: string | undefined;
    try {
      previous = this.store.commitVectorIndex(this.header.vocabulary, this.header.encoder, file, headerText, labels);
    } catch (err) {
      rmSync(file, { force: true });
      rmSync(`${file}.json`, { force: true });
      throw err;
    }
    if (previous && dirname(previous) === folder && basename(previous).startsWith('vectors-')) {
      rmSync(previous, { force: true });
      rmSync(`${previous}.json`, { force: true });
    }
  }
}
