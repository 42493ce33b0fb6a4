/**
 * What the stages of a linker share, built once per linker (and cached, src/pipeline/cache.ts):
 *
 * - the query normalizer (src/pipeline/normalizer.ts);
 * - the vocabulary's terms in one lexical index: every term after the type filter, plus the
 *   linker's extra terms, each with its match key. Every stage refers to terms by their
 *   position in this index (the dense generators' vectors are in the same order);
 * - the dense generators (encoder, term vectors, HNSW graph; src/pipeline/dense.ts);
 * - each concept's parents and training mentions (the specificity stage, the pairwise reranker).
 */
import type { Progress } from '../core/progress.js';
import { LexicalIndex, type IndexedTerm } from '../lexical/lexical-index.js';
import type { VocabStore } from '../store/store.js';
import { BuildCache } from './cache.js';
import { translateSchema, type PipelineConfig, type TranslateConfig } from './config.js';
import { translationGroups } from './crosslingual-training.js';
import { TranslationTables } from './translation-tables.js';
import { LexiconStore } from '../lexicon/store.js';
import { DenseGenerator } from './dense.js';
import { QueryNormalizer } from './normalizer.js';

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
  /**
   * Whether a trained dense encoder also learns from the extra terms (as labeled pairs).
   * Default true (benchmark training mentions); the service's custom synonyms are only
   * indexed, so adding one does not retrain the encoder.
   */
  trainOnExtraTerms?: boolean;
  /**
   * The hubness correction's query bank: training mentions or past queries with their
   * concepts. Without one, held-out vocabulary terms stand in (src/hubness/banks.ts).
   */
  queryBank?: ReadonlyArray<{ text: string; conceptIds: readonly string[]; lang?: string }>;
  /** Where Hugging Face models named by dense generators are cached (the data dir). */
  dataDir?: string;
  /** Progress of the long builds (encoder training, term encoding, HNSW). */
  progress?: Progress;
  /**
   * onnxruntime intra-op threads per encoder session (default: one per core). A server
   * running one linker per worker thread sets 1: its parallelism is the pool's.
   */
  encoderThreads?: number;
}

export interface LinkerResources {
  normalizer: QueryNormalizer;
  index: LexicalIndex;
  /** The lexical index's cache key: it names the term list (the dense generators' and banks' keys include it). */
  termsKey: string;
  /** The dense generators, in configuration order. */
  dense: readonly DenseGenerator[];
  /** Each concept's parents in the vocabulary's hierarchy. */
  parents(conceptId: string): readonly string[];
  /** How many of the linker's extra terms (training mentions) name a concept. */
  prior(conceptId: string): number;
  /** Whether the index and every dense generator came from the cache. */
  fromCache: boolean;
}

export async function buildResources(store: VocabStore, vocabulary: string, config: PipelineConfig, options: LinkerOptions, cache: BuildCache): Promise<LinkerResources> {
  const normalizer = new QueryNormalizer(config.normalize);
  const extra = options.extraTerms ?? [];
  const { index, key, fromCache } = await vocabularyIndex(store, vocabulary, config, normalizer, extra, cache);
  const dense: DenseGenerator[] = [];
  const [, ...denseConfigs] = config.generators;
  const termTexts = index.terms.map((t) => t.text);
  const translations = denseConfigs.some((d) => d.training.translations) ? translationGroups(translationTables(store, config.translate, index, cache), termTexts) : undefined;
  for (const d of denseConfigs) {
    dense.push(
      await DenseGenerator.build(d, {
        store,
        vocabulary,
        termTexts,
        termsKey: key,
        types: config.filter?.types,
        labeled: options.trainOnExtraTerms === false ? [] : extra.map((e) => ({ text: e.text, conceptId: e.conceptId })),
        translations,
        cache,
        dataDir: options.dataDir,
        progress: options.progress,
        threads: options.encoderThreads,
      }),
    );
  }
  const priors = new Map<string, number>();
  for (const e of extra) priors.set(e.conceptId, (priors.get(e.conceptId) ?? 0) + 1);
  const parentsOf = new Map<string, string[]>();
  for (const [child, parent] of store.parentLinks(vocabulary)) {
    const list = parentsOf.get(child);
    if (list) list.push(parent);
    else parentsOf.set(child, [parent]);
  }
  return {
    normalizer,
    index,
    termsKey: key,
    dense,
    parents: (id) => parentsOf.get(id) ?? [],
    prior: (id) => priors.get(id) ?? 0,
    fromCache: fromCache && dense.every((d) => d.fromCache),
  };
}

/** The translation tables into the vocabulary's language, with the translate section's settings (or its defaults). */
export function translationTables(store: VocabStore, section: TranslateConfig | undefined, index: LexicalIndex, cache: BuildCache): TranslationTables {
  const t = section ?? translateSchema.parse({});
  return new TranslationTables(new LexiconStore(store), (t.to ?? index.langs[0] ?? 'en').toLowerCase(), { alternatives: t.alternatives, pivots: t.pivots }, cache);
}

/** The lexical index over the vocabulary's terms (cached by vocabulary version, normalization and settings). */
async function vocabularyIndex(
  store: VocabStore,
  vocabulary: string,
  config: PipelineConfig,
  normalizer: QueryNormalizer,
  extra: readonly ExtraTerm[],
  cache: BuildCache,
): Promise<{ index: LexicalIndex; key: string; fromCache: boolean }> {
  const info = store.vocabulary(vocabulary);
  const gen = config.generators[0];
  const settings = { n: gen.n, sublinearTf: gen.sublinearTf, bm25Weight: gen.bm25Weight, k1: gen.k1, b: gen.b, prefixStem: gen.prefixStem };
  const key = BuildCache.key({
    vocabulary,
    checksum: info.checksum,
    importedAt: info.importedAt,
    fold: config.normalize.fold,
    pack: normalizer.termFingerprint,
    filter: config.filter ?? null,
    generator: { n: gen.n, sublinearTf: gen.sublinearTf, bm25Weight: gen.bm25Weight, k1: gen.k1, b: gen.b, ...(gen.prefixStem ? { prefixStem: gen.prefixStem } : {}) },
    extra: BuildCache.digest(extra),
  });
  const { value, fromCache } = await cache.readOrBuild(vocabulary, `lexical-${key}.bin`, { decode: (b) => LexicalIndex.fromBuffer(b), encode: (ix) => ix.toBuffer() }, () => {
    const terms: IndexedTerm[] = [];
    const known = new Set<string>();
    for (const t of store.terms(vocabulary, config.filter ? { types: config.filter.types } : {})) {
      known.add(t.conceptId);
      terms.push({ conceptId: t.conceptId, text: t.text, norm: normalizer.termKey(t.text, t.norm), lang: t.lang });
    }
    for (const e of extra) if (known.has(e.conceptId)) terms.push({ ...e, norm: normalizer.termKey(e.text) });
    return LexicalIndex.build(terms, settings);
  });
  return { index: value, key, fromCache };
}
