/**
 * Stages built from a config section and run on plain arrays: no store, no linker.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { fusionSchema, hubnessSchema, rerankSchema, specificitySchema } from '../src/pipeline/config.js';
import { queryState, type QueryState, type RankedTerm } from '../src/pipeline/stage.js';
import { createFusion, EXACT_TIE_MARGIN, writtenFormFirst } from '../src/pipeline/stages/fusion.js';
import { correctionFor, HubnessStage, normalizersFor, type HubnessCorrection } from '../src/pipeline/stages/hubness.js';
import { CrossEncoderRerank, PairwiseRerank } from '../src/pipeline/stages/rerank.js';
import { SpecificityStage } from '../src/pipeline/stages/specificity.js';
import { TiesStage } from '../src/pipeline/stages/ties.js';
import { DecisionStage } from '../src/pipeline/stages/decision.js';
import type { LinkCandidate } from '../src/pipeline/result.js';

const names = ['lexical', 'dense:m'];

function state(init: Partial<Pick<QueryState, 'k' | 'want'>> & { input?: string } = {}): QueryState {
  return queryState({ input: init.input ?? 'q', lang: undefined, k: init.k ?? 5, want: init.want ?? 5, unit: 'term', depth: 10, exclude: undefined });
}

function candidate(conceptId: string, score: number, text = conceptId): LinkCandidate {
  return { conceptId, score, term: { text, lang: 'en' }, generator: 'lexical' };
}

test('fusion (weighted): every returned term scored under both generators, ranked; parts give each score and rank', () => {
  const fusion = createFusion(fusionSchema.parse({ method: 'weighted', weights: [0.2, 0.8] }), names);
  const similarity: Record<number, number> = { 1: 0.9, 2: 0.5, 3: 0.7, 4: 0.1 };
  const { list, parts } = fusion.fuse(
    [
      { term: 1, score: 0.6 },
      { term: 4, score: 0.5 },
    ],
    [
      [
        { term: 3, score: 0.7 },
        { term: 2, score: 0.5 },
      ],
    ],
    (g, term) => (assert.equal(g, 0), similarity[term]!),
  );
  const expected = new Map([
    [1, 0.2 * 0.6 + 0.8 * 0.9],
    [4, 0.2 * 0.5 + 0.8 * 0.1],
    [3, 0.8 * 0.7],
    [2, 0.8 * 0.5],
  ]);
  assert.deepEqual(list.map((x) => x.term), [1, 3, 2, 4]);
  for (const x of list) assert.ok(Math.abs(x.score - expected.get(x.term)!) < 1e-12, `term ${x.term}`);
  assert.equal(list.find((x) => x.term === 3)!.lexical, 0, 'a term the lexical generator did not return has lexical score 0');
  assert.deepEqual(parts(3), [
    { generator: 'lexical', score: 0, rank: null },
    { generator: 'dense:m', score: 0.7, rank: 1 },
  ]);
  assert.deepEqual(parts(4)[0], { generator: 'lexical', score: 0.5, rank: 2 });
});

test('fusion (rrf): Σ w / (rrfK + rank) from each generator’s own list; equal weights by default', () => {
  const fusion = createFusion(fusionSchema.parse({ method: 'rrf', rrfK: 10 }), names);
  const { list } = fusion.fuse(
    [
      { term: 7, score: 0.9 },
      { term: 8, score: 0.3 },
    ],
    [
      [
        { term: 8, score: 0.99 },
        { term: 9, score: 0.5 },
      ],
    ],
    () => 0,
  );
  const score = (t: number) => list.find((x) => x.term === t)!.score;
  assert.ok(Math.abs(score(7) - 0.5 / 11) < 1e-12);
  assert.ok(Math.abs(score(8) - (0.5 / 12 + 0.5 / 11)) < 1e-12);
  assert.ok(Math.abs(score(9) - 0.5 / 12) < 1e-12);
  assert.deepEqual(list.map((x) => x.term), [8, 7, 9]);
  assert.throws(() => createFusion(fusionSchema.parse({ weights: [1, 2, 3] }), names), /3 weights for 2 generators/);
});

test('fusion: one generator ranks its own scores (ties to the lower position); the written form wins a perfect tie', () => {
  const fusion = createFusion(fusionSchema.parse({}), ['lexical']);
  const { list } = fusion.fuse(
    [
      { term: 5, score: 1 },
      { term: 2, score: 1 },
      { term: 9, score: 0.4 },
    ],
    [],
    () => 0,
  );
  assert.deepEqual(list.map((x) => x.term), [2, 5, 9]);
  const texts: Record<number, string> = { 2: 'Morphines', 5: 'Morphine', 9: 'Codeine' };
  const adjusted = writtenFormFirst(list, 'morphine', (t) => texts[t]!);
  assert.equal(adjusted.find((x) => x.term === 5)!.score, 1);
  assert.equal(adjusted.find((x) => x.term === 2)!.score, 1 - EXACT_TIE_MARGIN);
  assert.equal(adjusted.find((x) => x.term === 9)!.score, 0.4, 'only perfect matches are touched');
});

/** Three bank items, each of whose top hits is term 0 (a hub); term 1 is found by one only. */
function hubBanks(): HubnessCorrection['hits'] {
  const item = (items: number[], scores: number[]) => ({ items: Int32Array.from(items), scores: Float32Array.from(scores) });
  return { depth: 2, query: [item([0, 1], [0.9, 0.2]), item([0, 2], [0.9, 0.3]), item([0, 3], [0.8, 0.1])], gallery: [] };
}

test('hubness stage: built from its section and bank hits, it demotes the hub and records the scores before', () => {
  const config = hubnessSchema.parse({ method: 'is', beta1: 10, candidates: 30, bankDepth: 2 });
  const hits = hubBanks();
  const stage = new HubnessStage({ config, hits, banks: normalizersFor(config, hits, 4), querySource: 'synthetic' });
  assert.equal(stage.termDepth, 30, 'it asks for K′ ranked terms');
  assert.ok(stage.ranksTerms);
  const q = state();
  const ranked: RankedTerm[] = [
    { term: 0, score: 0.8, lexical: 0.8 },
    { term: 1, score: 0.75, lexical: 0.75 },
  ];
  q.ranked = ranked;
  stage.run([q]);
  assert.deepEqual(q.ranked.map((x) => x.term), [1, 0], 'the hub loses its lead');
  assert.equal(q.correction?.method, 'is');
  assert.equal(q.correction?.before(0), 0.8);
  assert.equal(q.correction?.before(1), 0.75);
  // Other settings from the same hits: β and bank size change without searching again.
  const other = correctionFor({ ...config, beta1: 2, bankSize: 1 }, stage.correction, 4);
  assert.equal(other.banks.query?.beta, 2);
  assert.equal(other.banks.query?.size, 1, 'a smaller bank is a prefix of the searched one');
  assert.equal(other.hits, hits);
  assert.throws(() => correctionFor({ ...config, bankDepth: 3 }, stage.correction, 4), /deeper than the searched 2/);
  assert.throws(() => correctionFor({ ...config, method: 'dualis' }, stage.correction, 4), /needs the gallery bank/);
});

test('rerank stages: the top candidates re-sorted by the scorer, the rest kept below; the pairwise model from its section', async () => {
  const section = rerankSchema.parse({ type: 'cross-encoder', model: 'fixture', top: 2, weight: 1 });
  assert.equal(section.type, 'cross-encoder');
  if (section.type !== 'cross-encoder') return;
  const logits: Record<string, number> = { a: -2, b: 3 };
  const stage = new CrossEncoderRerank(section, { scorePairs: async (pairs) => Float32Array.from(pairs, ([, text]) => logits[text] ?? 0) }, (c) => c.conceptId);
  assert.equal(stage.reads, 2);
  const q = state({ input: 'mention' });
  q.candidates = [candidate('a', 0.9), candidate('b', 0.8), candidate('c', 0.7)];
  await stage.run([q]);
  assert.deepEqual(q.candidates.map((c) => c.conceptId), ['b', 'a', 'c']);
  assert.ok(Math.abs(q.candidates[0]!.score - 1 / (1 + Math.exp(-3))) < 1e-6);
  assert.deepEqual(q.candidates[0]!.rerank, { model: 'fixture', score: 3, before: 0.8 });
  assert.equal(q.candidates[2]!.score, 0.7, 'below the top, untouched');

  const trained = rerankSchema.parse({ type: 'trained', top: 3, model: { features: ['margin', 'prior'], mean: [0, 0], std: [1, 1], weights: [0, 1] } });
  if (trained.type !== 'trained') return;
  const pairwise = new PairwiseRerank(trained.top, trained.model, { prior: (id) => (id === 'c' ? 5 : 0), parents: () => [] });
  const q2 = state();
  q2.candidates = [candidate('a', 0.9), candidate('b', 0.8), candidate('c', 0.7)];
  pairwise.run([q2]);
  assert.equal(q2.candidates[0]!.conceptId, 'c', 'all weight on the prior: the concept with training mentions first');
});

test('ties, specificity and decision stages on plain candidates', () => {
  const q = state({ k: 2 });
  q.candidates = [candidate('syn', 0.9, 'data scientist'), candidate('pref', 0.9, 'data scientist'), candidate('other', 0.5)];
  q.candidateTerms = q.candidates.map((c) => ({ conceptId: c.conceptId, text: c.term.text, norm: c.term.text, lang: 'en' }));
  new TiesStage((t) => t.conceptId === 'pref').run([q]);
  assert.deepEqual(q.candidates.map((c) => c.conceptId), ['pref', 'syn', 'other']);

  const groups = new Set(['G']);
  const spec = new SpecificityStage(specificitySchema.parse({ groupTypes: ['group'], depth: 3 }), { isGroup: (id) => groups.has(id), parents: (id) => (id === 'O' ? ['G'] : []) });
  assert.equal(spec.reads, 3);
  const q2 = state();
  q2.candidates = [candidate('G', 0.9), candidate('X', 0.8), candidate('O', 0.7)];
  spec.run([q2]);
  assert.deepEqual(q2.candidates.map((c) => [c.conceptId, c.score]), [['O', 0.9], ['G', 0.8], ['X', 0.7]]);
  assert.deepEqual(q2.candidates[0]!.preferredOver, { group: 'G', rank: 3, score: 0.7 });

  const decide = new DecisionStage({ confidence: { weights: [0, 10, 0] }, nilThreshold: 0.9999 });
  assert.equal(decide.reads, 2);
  decide.run([q]);
  assert.equal(q.candidates.length, 2, 'the top k');
  assert.ok(q.candidates.every((c) => c.confidence !== undefined));
  assert.equal(q.nil, true, 'σ(9) ≈ 0.99988 < 0.9999');
  const plain = state({ k: 1 });
  plain.candidates = [candidate('a', 0.3), candidate('b', 0.2)];
  new DecisionStage(undefined).run([plain]);
  assert.deepEqual(plain.candidates.map((c) => c.conceptId), ['a']);
  assert.equal(plain.nil, undefined);
});

test("docs/pipelines.md's stage example runs: its factory leaves it out without its section, and the stage filters candidates", async (t) => {
  const doc = readFileSync(join(ROOT, 'docs', 'pipelines.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Adding a stage'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const dir = tempDir(t);
  const file = join(dir, 'min-score.mts');
  writeFileSync(file, block.replace("'../stage.js'", JSON.stringify(join(ROOT, 'src', 'pipeline', 'stage.ts'))));
  const mod = (await import(pathToFileURL(file).href)) as { MinScoreStage: new (min: number) => { run(batch: QueryState[]): void }; minScoreStage: { build(ctx: unknown): Promise<unknown> } };
  const q = state();
  q.candidates = [candidate('a', 0.9), candidate('b', 0.2)];
  new mod.MinScoreStage(0.5).run([q]);
  assert.deepEqual(q.candidates.map((c) => c.conceptId), ['a']);
  assert.equal(await mod.minScoreStage.build({ config: { name: 'x' } }), undefined, 'no minScore section, no stage');
  assert.ok(await mod.minScoreStage.build({ config: { minScore: 0.3 } }));
});
