/**
 * The stage contract. A pipeline is a list of stages run in order over a batch of queries
 * (src/pipeline/stages/index.ts lists them); each reads what earlier stages wrote into a
 * query's `QueryState` and writes its own part:
 *
 *   normalize  query                          the match key, attributes, codes, the text as written
 *   translate  translation, translations      the query in the vocabulary's language (lexicons)
 *   dense      vectors, denseHits             each dense generator's nearest terms
 *   lexical    lexicalHits                    the lexical generator's terms (or concepts)
 *   fusion     ranked, parts                  one score per term, the written form first, ranked
 *   hubness    ranked, correction             the same terms re-scored by DBNorm
 *   best-term  candidates, candidateTerms     each concept once, by its best term
 *   ties       candidates                     preferred labels first among shared terms
 *   codes      candidates                     codes found in the text first
 *   rerank     candidates                     a cross-encoder's or the pairwise model's order
 *   specificity candidates                    a group's descendant before the group
 *   decision   candidates, nil                confidences, NIL, the top k
 *
 * A stage is built by its definition's factory from its config section (and what the
 * linker shares: src/pipeline/resources.ts); a factory that returns undefined leaves the
 * stage out of this pipeline.
 */
import type { IndexedTerm } from '../lexical/lexical-index.js';
import type { QueryTranslation } from '../lexicon/translator.js';
import type { VocabStore } from '../store/store.js';
import type { BuildCache } from './cache.js';
import type { PipelineConfig } from './config.js';
import type { NormalizedQuery } from './normalizer.js';
import type { LinkerOptions, LinkerResources } from './resources.js';
import type { GeneratorScore, LinkCandidate } from './result.js';

/** A term of the linker's index (its position) with a score. */
export interface TermScore {
  term: number;
  score: number;
}

/** A term in a ranking: its score, the lexical generator's score for it, and (concept searches) each lexical view's score. */
export interface RankedTerm extends TermScore {
  lexical: number;
  views?: { char: number; bm25: number };
}

/**
 * What a query's generators rank: `concept` — each concept once, by its best term (the
 * lexical generator alone, uncorrected); `term` — terms, several per concept, so that
 * generators can be fused and the hubness correction can re-score them.
 */
export type RankingUnit = 'concept' | 'term';

export interface QueryState {
  readonly input: string;
  readonly lang: string | undefined;
  /** Concepts asked for. */
  readonly k: number;
  /** Concepts ranked: k, or more when a later stage reads deeper (the reranker's top, the specificity depth). */
  readonly want: number;
  readonly unit: RankingUnit;
  /** Terms ranked (`term` unit). */
  readonly depth: number;
  /** Concepts this query does not count (a hubness bank item's own concept). */
  readonly exclude: ReadonlySet<string> | undefined;
  query: NormalizedQuery;
  /** The query translated into the vocabulary's language (translate stage), when it was. */
  translation: QueryTranslation | undefined;
  /** Texts the generators search besides the query, each with the weight of its scores. */
  translations: Array<{ text: string; lang: string; weight: number }>;
  /** Per dense generator, the query's vectors (its normalized text, and the text as written when it embeds differently). */
  vectors: Float32Array[][];
  /** Per dense generator, its nearest terms, best first. */
  denseHits: TermScore[][];
  lexicalHits: RankedTerm[];
  ranked: RankedTerm[];
  /** Each generator's score and rank for a term (several generators). */
  parts: ((term: number) => GeneratorScore[]) | undefined;
  /** The hubness correction: its method and each term's score before it. */
  correction: { method: string; before(term: number): number | undefined } | undefined;
  candidates: LinkCandidate[];
  /** The matched term of each candidate the generators found (ties). */
  candidateTerms: IndexedTerm[];
  nil: boolean | undefined;
}

/** A new query's state, before any stage ran. */
export function queryState(init: Pick<QueryState, 'input' | 'lang' | 'k' | 'want' | 'unit' | 'depth' | 'exclude'> & { query?: NormalizedQuery }): QueryState {
  // Written out field by field, in one order, so that every query's state has the same shape
  // (the stages' property reads stay monomorphic).
  return {
    input: init.input,
    lang: init.lang,
    k: init.k,
    want: init.want,
    unit: init.unit,
    depth: init.depth,
    exclude: init.exclude,
    query: init.query ?? { normalized: '', text: init.input, rulesFired: [], attributes: {}, codes: [], matchable: false },
    translation: undefined,
    translations: [],
    vectors: [],
    denseHits: [],
    lexicalHits: [],
    ranked: [],
    parts: undefined,
    correction: undefined,
    candidates: [],
    candidateTerms: [],
    nil: undefined,
  };
}

export interface Stage {
  readonly name: string;
  /** Candidates it reads: the linker ranks at least this many (the decision reads a runner-up, the reranker its top). */
  readonly reads?: number;
  /** It needs terms ranked rather than concepts (fusion of several generators, the hubness correction). */
  readonly ranksTerms?: boolean;
  /** Terms it needs ranked per query (the hubness correction's K′); without one, the generators' own depth. */
  readonly termDepth?: number;
  run(batch: QueryState[]): void | Promise<void>;
  /** One line on how it is set up (`normkit build`). */
  describe?(): string;
  close?(): Promise<void>;
}

/** What a stage's factory is given besides its config section. */
export interface StageContext {
  readonly config: PipelineConfig;
  readonly store: VocabStore;
  readonly vocabulary: string;
  readonly options: LinkerOptions;
  readonly cache: BuildCache;
  readonly resources: LinkerResources;
  /** The stages built before this one, in order (the hubness stage runs them over its banks). */
  readonly before: readonly Stage[];
}

export interface StageDefinition {
  readonly name: string;
  build(context: StageContext): Promise<Stage | undefined>;
}

/**
 * A registered stage: its name, how to find its config section (undefined: the pipeline
 * does not run it), and the factory that builds it from that section.
 */
export function defineStage<S>(d: { name: string; section(config: PipelineConfig): S | undefined; build(section: S, context: StageContext): Stage | undefined | Promise<Stage | undefined> }): StageDefinition {
  return {
    name: d.name,
    async build(context) {
      const section = d.section(context.config);
      return section === undefined ? undefined : await d.build(section, context);
    },
  };
}

/** Runs stages in order over a batch. */
export async function runStages(stages: readonly Stage[], batch: QueryState[]): Promise<void> {
  for (const stage of stages) await stage.run(batch);
}
