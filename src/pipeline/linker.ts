/**
 * Linker: runs a pipeline configuration over one vocabulary.
 *
 * Building a linker builds what its stages share (src/pipeline/resources.ts: the query
 * normalizer, the lexical index over the vocabulary's terms, the dense generators) and then
 * each stage its configuration names (src/pipeline/stages/index.ts), each from its config
 * section; what is expensive is cached per vocabulary version and settings
 * (src/pipeline/cache.ts). Linking runs the stages in order over a batch of texts
 * (src/pipeline/stage.ts):
 *
 *   normalize → dense → lexical → fusion → hubness → best-term → ties → codes → rerank
 *             → specificity → decision
 */
import { UsageError } from '../core/errors.js';
import { capQuery, MAX_K } from '../core/limits.js';
import type { LexicalIndex } from '../lexical/lexical-index.js';
import type { VocabStore } from '../store/store.js';
import { BuildCache } from './cache.js';
import type { PipelineConfig } from './config.js';
import type { NormalizedQuery } from './normalizer.js';
import type { PairContext } from './pairwise.js';
import { buildResources, type LinkerOptions, type LinkerResources } from './resources.js';
import type { LinkResult } from './result.js';
import { queryState, runStages, type QueryState, type RankingUnit, type Stage } from './stage.js';
import { STAGES } from './stages/index.js';

/** What a built linker holds and how it was built (`normkit build`). */
export interface LinkerSummary {
  vocabulary: string;
  pipeline: string;
  concepts: number;
  terms: number;
  /** The candidate generators: lexical first, then each dense one with its vector width and whether it came from the cache. */
  generators: Array<{ generator: string; dim?: number; fromCache?: boolean }>;
  /** The hubness correction and its query bank, or "none". */
  hubness: string;
  /** Everything came from the cache. */
  fromCache: boolean;
  /** Seconds spent building (or loading). */
  seconds: number;
}

/**
 * Queries linked together (`linkMany`): enough for the encoders' batches, few enough that a
 * chunk's state stays in the CPU caches. The server's workers merge queued requests into
 * batches of up to 512 texts; one chunk of them at a time was measured faster.
 */
export const LINK_CHUNK = 64;

export class Linker {
  private conceptIndex: Map<string, number> | undefined;
  private readonly conceptIds: ReadonlySet<string>;

  private constructor(
    readonly config: PipelineConfig,
    readonly vocabulary: string,
    private readonly resources: LinkerResources,
    /** The stages this pipeline runs, in order. */
    readonly stages: readonly Stage[],
    /** Seconds spent building (or loading) the indexes. */
    readonly buildSeconds: number,
  ) {
    this.conceptIds = new Set(resources.index.conceptIds);
  }

  static async build(store: VocabStore, vocabulary: string, config: PipelineConfig, options: LinkerOptions = {}): Promise<Linker> {
    const started = performance.now();
    const cache = new BuildCache(options.cacheDir);
    const resources = await buildResources(store, vocabulary, config, options, cache);
    const stages: Stage[] = [];
    for (const definition of STAGES) {
      const stage = await definition.build({ config, store, vocabulary, options, cache, resources, before: [...stages] });
      if (stage) stages.push(stage);
    }
    cache.recordUse(vocabulary, { name: config.name, key: BuildCache.key(config) }, store.vocabulary(vocabulary).checksum);
    return new Linker(config, vocabulary, resources, stages, (performance.now() - started) / 1000);
  }

  /** The lexical index over the linker's terms (every stage refers to terms by their position in it). */
  get index(): LexicalIndex {
    return this.resources.index;
  }

  get concepts(): number {
    return this.conceptIds.size;
  }

  get terms(): number {
    return this.resources.index.size;
  }

  /** Whether the index and every dense generator came from the cache. */
  get fromCache(): boolean {
    return this.resources.fromCache;
  }

  /** The stage of this name, when the pipeline runs it. */
  stage(name: string): Stage | undefined {
    return this.stages.find((s) => s.name === name);
  }

  /**
   * The same linker with `stage` in place of the stage of its name (inserted where the
   * registry runs it when the pipeline had none; removed when `stage` is undefined), and
   * the configuration that describes it. Nothing is rebuilt: tuning swaps one stage.
   */
  withStage(name: string, stage: Stage | undefined, config: PipelineConfig = this.config): Linker {
    const order = (s: Stage): number => STAGES.findIndex((d) => d.name === s.name);
    if (stage && stage.name !== name) throw new RangeError(`withStage: the stage is named "${stage.name}", not "${name}"`);
    if (!STAGES.some((d) => d.name === name)) throw new RangeError(`withStage: "${name}" is not a registered stage (src/pipeline/stages/index.ts: ${STAGES.map((d) => d.name).join(', ')})`);
    const stages = [...this.stages.filter((s) => s.name !== name), ...(stage ? [stage] : [])].sort((a, b) => order(a) - order(b));
    return new Linker(config, this.vocabulary, this.resources, stages, this.buildSeconds);
  }

  /** Whether a concept id is in what this linker searches (after the type filter). */
  hasConcept(id: string): boolean {
    return this.conceptIds.has(id);
  }

  /** A concept's preferred label (its first term in the index), or undefined when not indexed. */
  conceptName(id: string): string | undefined {
    this.conceptIndex ??= new Map(this.index.conceptIds.map((c, i) => [c, i]));
    const ci = this.conceptIndex.get(id);
    return ci === undefined ? undefined : this.index.terms[this.index.conceptTerms(ci)[0]]!.text;
  }

  /** The query as the generators see it, with what the rule pack found (of its first MAX_QUERY_CHARS characters). */
  normalizeQuery(text: string): NormalizedQuery {
    return this.resources.normalizer.normalize(capQuery(text).text);
  }

  /** What the pairwise reranker's features read of the vocabulary: concept priors (training mentions) and parents. */
  get pairContext(): PairContext {
    return { prior: this.resources.prior, parents: this.resources.parents };
  }

  /** Links `text`: the top `k` concepts. `lang`, when known, picks the stemmer for the query's words. */
  async link(text: string, k = 10, options: { lang?: string } = {}): Promise<LinkResult> {
    return (await this.linkMany([{ text, ...options }], k))[0]!;
  }

  /**
   * Links many texts, `LINK_CHUNK` at a time: each chunk runs the stages together (the dense
   * generators encode its texts in one batch) and is finished before the next starts, so the
   * stages' per-query state (ranked lists, vectors) is held for one chunk only. A text longer
   * than MAX_QUERY_CHARS is cut there first; its result says so (`truncated`).
   */
  async linkMany(queries: ReadonlyArray<{ text: string; lang?: string | undefined }>, k = 10): Promise<LinkResult[]> {
    if (!Number.isSafeInteger(k) || k < 1 || k > MAX_K) throw new UsageError(`k must be a whole number from 1 to ${MAX_K}, got ${k}`);
    const results: LinkResult[] = [];
    for (let i = 0; i < queries.length; i += LINK_CHUNK) results.push(...(await this.linkChunk(queries.slice(i, i + LINK_CHUNK), k)));
    return results;
  }

  private async linkChunk(queries: ReadonlyArray<{ text: string; lang?: string | undefined }>, k: number): Promise<LinkResult[]> {
    // Ranked deeper than k when a later stage reads deeper (the reranker its top, the decision a runner-up).
    const want = Math.max(k, ...this.stages.map((s) => s.reads ?? 0));
    const unit: RankingUnit = this.stages.some((s) => s.ranksTerms) ? 'term' : 'concept';
    // Terms ranked: K′ when a stage asks for it (the hubness correction), else the generators' own depth; at least `want`.
    const asked = this.stages.flatMap((s) => (s.termDepth === undefined ? [] : [s.termDepth]));
    const depth = Math.max(want, asked.length ? Math.max(...asked) : Math.max(...this.config.generators.map((g) => g.k)));
    const capped = queries.map((q) => capQuery(q.text));
    const batch = capped.map((c, i) => queryState({ input: c.text, lang: queries[i]!.lang, k, want, unit, depth, exclude: undefined }));
    await runStages(this.stages, batch);
    return batch.map((q, i) => (capped[i]!.truncated ? { ...resultOf(q), truncated: { chars: queries[i]!.text.length, kept: q.input.length } } : resultOf(q)));
  }

  summary(): LinkerSummary {
    const hubness = this.stage('hubness');
    return {
      vocabulary: this.vocabulary,
      pipeline: this.config.name,
      concepts: this.concepts,
      terms: this.terms,
      generators: [{ generator: 'lexical' }, ...this.resources.dense.map((d) => ({ generator: `dense:${d.config.model}`, dim: d.dim, fromCache: d.fromCache }))],
      hubness: hubness?.describe?.() ?? 'none',
      fromCache: this.fromCache,
      seconds: this.buildSeconds,
    };
  }

  /** Releases the dense generators' encoders and what the stages hold (the cross-encoder). */
  async close(): Promise<void> {
    for (const d of this.resources.dense) await d.close();
    for (const s of this.stages) await s.close?.();
  }
}

function resultOf(q: QueryState): LinkResult {
  const { normalized, rulesFired, attributes, codes } = q.query;
  const t = q.translation;
  const translation = t ? { translation: { from: t.from, to: t.to, text: t.text, words: t.words.map((w) => ({ source: w.source, via: w.via, targets: w.targets.map((x) => x.text) })) } } : {};
  return { input: q.input, normalized, rulesFired, attributes, codes, ...translation, candidates: q.candidates, ...(q.nil !== undefined ? { nil: q.nil } : {}) };
}

