/**
 * A loader turns one benchmark of ../shared/data into runs: a vocabulary to search,
 * the queries to score, and what was left out and why. Loaders only read; the runner
 * imports vocabularies (cached by checksum) and evaluates.
 */
import type { ConceptLine } from '../../src/vocab/importers/jsonl.js';
import type { Query } from '../../src/io/queries.js';
import type { ExtraTerm } from '../../src/pipeline/resources.js';

/** Files to import with a format, or concepts the loader built (written to the cache as canonical JSONL). */
export type VocabularySpec =
  | { key: string; format: string; files: string[] }
  | { key: string; concepts: ConceptLine[] };

export interface LoadedRun {
  name: string;
  /** The queries' language. */
  lang?: string;
  /** The vocabulary's language, when the run is cross-lingual or can be (the benchmark's `crosslingualPreset` runs it when it differs from `lang`). */
  targetLang?: string;
  split: string;
  vocabulary: VocabularySpec;
  queries: Query[];
  /** Queries left out, by reason. */
  dropped: Record<string, number>;
  /** Terms added to the index only (training mentions); switched off by the "train-synonyms" ablation. */
  extraTerms?: ExtraTerm[];
  /** Keep only concepts with these types (pipeline filter). */
  filterTypes?: string[];
  /**
   * Document-level co-reference (src/normalize/coref.ts): qid → the canonical form of the
   * mention's group, used instead of the mention as written; switched off by the "coref" ablation.
   */
  canonicalText?: Map<string, string>;
}

export interface LoaderContext {
  /** ../shared/data */
  shared: string;
  params: Record<string, unknown>;
}

export interface Loaded {
  runs: LoadedRun[];
  notes: string[];
}

export type Loader = (ctx: LoaderContext) => Promise<Loaded>;
