/**
 * rerank: re-scores each query's top candidates and re-sorts them; the rest keep their
 * place below.
 *
 * - `cross-encoder`: an ONNX sequence-classification model scores (mention, concept text),
 *   the concept text being "name; synonym; synonym" as in xMEN; the final score is
 *   weight·σ(logit) + (1 − weight)·similarity (before any hubness correction);
 * - `trained`: the pairwise model normkit learns from labeled queries (src/pipeline/pairwise.ts,
 *   `normkit train-reranker`); its score replaces the first-stage one.
 *
 * Ties after re-scoring go to the larger concept id (src/core/rank.ts).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LexicalIndex } from '../../lexical/lexical-index.js';
import { CrossEncoder } from '../../encoders/onnx/cross-encoder.js';
import { openCrossEncoder } from '../../encoders/models/resolve.js';
import type { RerankConfig } from '../config.js';
import { pairFeatures, pairwiseScores, type PairContext, type PairwiseModel } from '../pairwise.js';
import type { LinkCandidate } from '../result.js';
import { defineStage, type QueryState, type Stage } from '../stage.js';

/** What scores (mention, candidate) pairs: a cross-encoder's logits. */
export interface PairScorer {
  scorePairs(pairs: ReadonlyArray<readonly [string, string]>): Promise<ArrayLike<number>>;
  close?(): Promise<void>;
}

type CrossEncoderConfig = Extract<RerankConfig, { type: 'cross-encoder' }>;

export class CrossEncoderRerank implements Stage {
  readonly name = 'rerank';
  readonly reads: number;

  constructor(
    private readonly config: CrossEncoderConfig,
    private readonly scorer: PairScorer,
    /** A candidate's concept text (name; synonyms) as the model sees it. */
    private readonly conceptText: (c: LinkCandidate) => string,
  ) {
    this.reads = config.top;
  }

  async run(batch: QueryState[]): Promise<void> {
    const cfg = this.config;
    const pairs: Array<[string, string]> = [];
    for (const q of batch) for (const c of q.candidates.slice(0, cfg.top)) pairs.push([q.input, this.conceptText(c)]);
    const scores = await this.scorer.scorePairs(pairs);
    let at = 0;
    for (const q of batch) {
      const top = q.candidates.slice(0, cfg.top).map((c) => {
        const logit = scores[at++]!;
        const similarity = c.hubness?.before ?? c.score;
        const score = cfg.weight / (1 + Math.exp(-logit)) + (1 - cfg.weight) * similarity;
        return { ...c, score, rerank: { model: cfg.model, score: logit, before: c.score } };
      });
      q.candidates = [...top.sort(byScoreThenId), ...q.candidates.slice(cfg.top)];
    }
  }

  async close(): Promise<void> {
    await this.scorer.close?.();
  }
}

export class PairwiseRerank implements Stage {
  readonly name = 'rerank';

  constructor(
    readonly reads: number,
    private readonly model: PairwiseModel,
    private readonly context: PairContext,
  ) {}

  run(batch: QueryState[]): void {
    for (const q of batch) {
      const top = q.candidates.slice(0, this.reads);
      const scores = pairwiseScores(this.model, pairFeatures({ input: q.input, candidates: top }, this.context));
      const rescored = top.map((c, i) => ({ ...c, score: scores[i]!, rerank: { model: 'trained', score: scores[i]!, before: c.score } }));
      q.candidates = [...rescored.sort(byScoreThenId), ...q.candidates.slice(this.reads)];
    }
  }
}

function byScoreThenId(a: LinkCandidate, b: LinkCandidate): number {
  return b.score - a.score || (a.conceptId < b.conceptId ? 1 : a.conceptId > b.conceptId ? -1 : 0);
}

/** "name; synonym; synonym" of a candidate's concept: its first indexed term, the matched term, then more terms, `synonyms` at most. */
export function conceptTextOf(index: LexicalIndex, synonyms: number): (c: LinkCandidate) => string {
  let conceptIndex: Map<string, number> | undefined;
  return (c) => {
    conceptIndex ??= new Map(index.conceptIds.map((id, i) => [id, i]));
    const ci = conceptIndex.get(c.conceptId);
    if (ci === undefined) return c.term.text;
    const [from, to] = index.conceptTerms(ci);
    const texts = [index.terms[from]!.text];
    if (!texts.includes(c.term.text)) texts.push(c.term.text);
    for (let t = from + 1; t < to && texts.length < 1 + synonyms; t++) if (!texts.includes(index.terms[t]!.text)) texts.push(index.terms[t]!.text);
    return texts.slice(0, 1 + synonyms).join('; ');
  };
}

export const rerankStage = defineStage({
  name: 'rerank',
  section: (config) => config.rerank,
  async build(r, { options, resources }) {
    if (r.type === 'trained') return new PairwiseRerank(r.top, r.model, { prior: resources.prior, parents: resources.parents });
    const scorer = existsSync(r.model) ? await CrossEncoder.load(r.model, { device: r.device }) : await openCrossEncoder(r.model, { dataDir: options.dataDir ?? join(tmpdir(), 'normkit'), device: r.device });
    return new CrossEncoderRerank(r, scorer, conceptTextOf(resources.index, r.synonyms));
  },
});
