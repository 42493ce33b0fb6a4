/**
 * Linker: runs a pipeline configuration over one vocabulary.
 *
 *   text → normalize → candidate generator → ranked concepts (with the term that matched)
 *
 * Building a linker builds (or loads from the cache) what its configuration needs; the
 * char TF-IDF index is cached per vocabulary version and settings, written atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharTfidfIndex, type IndexedTerm } from '../lexical/char-tfidf.js';
import type { VocabStore } from '../store/store.js';
import { foldText } from '../text/fold.js';
import type { PipelineConfig } from './config.js';

export interface ExtraTerm {
  conceptId: string;
  text: string;
  lang: string;
}

export interface LinkerOptions {
  /** Where built indexes are cached; no caching when absent. */
  cacheDir?: string;
  /** Terms added to the index only (e.g. a benchmark's training mentions). Unknown concepts are ignored. */
  extraTerms?: readonly ExtraTerm[];
}

export interface LinkCandidate {
  conceptId: string;
  score: number;
  /** The concept's term that matched best. */
  term: { text: string; lang: string };
  generator: string;
}

export interface LinkResult {
  input: string;
  normalized: string;
  /** Ids of the normalization rules that changed the text (rule packs come later). */
  rulesFired: string[];
  candidates: LinkCandidate[];
}

export class Linker {
  readonly config: PipelineConfig;
  readonly vocabulary: string;
  /** Seconds spent building (or loading) the indexes. */
  readonly buildSeconds: number;
  readonly fromCache: boolean;
  readonly concepts: number;
  readonly terms: number;
  private readonly index: CharTfidfIndex;
  private readonly conceptIds: ReadonlySet<string>;
  private readonly normalizeText: (text: string) => string;

  private constructor(init: {
    config: PipelineConfig;
    vocabulary: string;
    index: CharTfidfIndex;
    buildSeconds: number;
    fromCache: boolean;
  }) {
    this.config = init.config;
    this.vocabulary = init.vocabulary;
    this.index = init.index;
    this.buildSeconds = init.buildSeconds;
    this.fromCache = init.fromCache;
    this.terms = init.index.size;
    this.conceptIds = new Set(init.index.terms.map((t) => t.conceptId));
    this.concepts = this.conceptIds.size;
    this.normalizeText = normalizer(init.config);
  }

  static build(store: VocabStore, vocabulary: string, config: PipelineConfig, options: LinkerOptions = {}): Linker {
    const started = performance.now();
    const info = store.vocabulary(vocabulary);
    const gen = config.generators[0]!;
    const extra = options.extraTerms ?? [];
    const key = createHash('sha256')
      .update(
        JSON.stringify({
          vocabulary,
          checksum: info.checksum,
          importedAt: info.importedAt,
          fold: config.normalize.fold,
          filter: config.filter ?? null,
          n: gen.n,
          sublinearTf: gen.sublinearTf,
          extra: createHash('sha256').update(JSON.stringify(extra)).digest('hex'),
        }),
      )
      .digest('hex')
      .slice(0, 20);
    const file = options.cacheDir ? join(options.cacheDir, vocabulary, `char-tfidf-${key}.bin`) : undefined;

    let index: CharTfidfIndex | undefined;
    let fromCache = false;
    if (file && existsSync(file)) {
      try {
        index = CharTfidfIndex.fromBuffer(readFileSync(file));
        fromCache = true;
      } catch {
        index = undefined; // a damaged cache file is rebuilt below
      }
    }
    if (!index) {
      const norm = normalizer(config);
      const terms: IndexedTerm[] = [];
      const known = new Set<string>();
      for (const t of store.terms(vocabulary, config.filter ? { types: config.filter.types } : {})) {
        known.add(t.conceptId);
        terms.push({ conceptId: t.conceptId, text: t.text, norm: config.normalize.fold === 'full' ? t.norm : norm(t.text), lang: t.lang });
      }
      for (const e of extra) if (known.has(e.conceptId)) terms.push({ ...e, norm: norm(e.text) });
      index = CharTfidfIndex.build(terms, { n: gen.n, sublinearTf: gen.sublinearTf });
      if (file) {
        mkdirSync(join(options.cacheDir!, vocabulary), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, index.toBuffer());
        renameSync(tmp, file);
      }
    }
    return new Linker({ config, vocabulary, index, buildSeconds: (performance.now() - started) / 1000, fromCache });
  }

  /** Whether a concept id is in what this linker searches (after the type filter). */
  hasConcept(id: string): boolean {
    return this.conceptIds.has(id);
  }

  link(text: string, k = 10): LinkResult {
    const normalized = this.normalizeText(text);
    const gen = this.config.generators[0]!;
    const candidates = this.index.search(normalized, Math.min(k, gen.k)).map((m) => ({
      conceptId: m.conceptId,
      score: m.score,
      term: { text: m.term.text, lang: m.term.lang },
      generator: gen.type,
    }));
    return { input: text, normalized, rulesFired: [], candidates };
  }
}

function normalizer(config: PipelineConfig): (text: string) => string {
  return config.normalize.fold === 'full' ? foldText : (t) => t.toLowerCase();
}
