import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { PAIRWISE_FEATURES, pairFeatures, pairwiseScores, type PairwiseModel } from '../src/pipeline/pairwise.js';
import { seededRandom } from '../src/core/random.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { trainPairwise } from '../src/tuning/pairwise-train.js';

const OCCUPATIONS = join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl');
const f = (name: (typeof PAIRWISE_FEATURES)[number]): number => PAIRWISE_FEATURES.indexOf(name);

test('pairwise features of a (mention, candidate) pair, checked by hand', () => {
  const cand = (id: string, text: string, score: number) => ({ conceptId: id, score, term: { text, lang: 'en' }, generator: 'lexical' });
  const none = { prior: () => 0, parents: () => [] };
  const [a, b] = pairFeatures({ input: 'AP clerk', candidates: [cand('x', 'accounts payable clerk', 0.8), cand('y', 'AP Clerk', 0.6)] }, { prior: (id) => (id === 'y' ? 3 : 0), parents: () => [] });
  assert.equal(a![f('margin')], 0);
  assert.ok(Math.abs(b![f('margin')]! + 0.2) < 1e-12);
  assert.equal(a![f('rank')], 1);
  assert.equal(b![f('rank')], 0.5);
  assert.equal(a![f('head')], 1, 'both end in "clerk"');
  assert.equal(a![f('cover')], 0.5, '"clerk" of "ap clerk"');
  assert.ok(Math.abs(a![f('precise')]! - 1 / 3) < 1e-12);
  assert.equal(b![f('cover')], 1);
  assert.equal(b![f('trigram')], 1, 'same text after folding');
  assert.equal(b![f('jaroWinkler')], 1);
  assert.ok(Math.abs(b![f('prior')]! - Math.log(4)) < 1e-12);
  const [acr] = pairFeatures({ input: 'APC', candidates: [cand('x', 'accounts payable clerk', 0.5)] }, none);
  assert.equal(acr![f('acronym')], 1);
  assert.equal(acr![f('sharedParent')], 0, 'no other candidate');
  // Shared parent: siblings (s1, s2 under p), the parent itself, and an unrelated concept.
  const parents: Record<string, string[]> = { s1: ['p'], s2: ['p', 'q'], u: ['r'] };
  const fam = pairFeatures({ input: 'nurse', candidates: [cand('s1', 'nurse', 0.9), cand('u', 'nurse aide', 0.8), cand('s2', 'night nurse', 0.7), cand('p', 'nursing', 0.6)] }, { prior: () => 0, parents: (id) => parents[id] ?? [] });
  assert.deepEqual(
    fam.map((x) => x[f('sharedParent')]),
    [2 / 3, 0, 2 / 3, 2 / 3],
    's1: sibling s2 and parent p; u: none; s2: s1 and p; p: its children s1 and s2',
  );
});

test('training: learns a feature that separates the gold, starts from (and stays near) the first-stage order', () => {
  const rand = seededRandom(9);
  // Lists where the gold is the candidate whose last word matches the query's, wherever the first stage put it.
  const results = Array.from({ length: 300 }, (_, qi) => {
    const gold = Math.floor(rand() * 4);
    const candidates = Array.from({ length: 5 }, (_, i) => ({ conceptId: `c${qi}-${i}`, score: 1 - i * 0.05, term: { text: i === gold ? 'senior nurse' : `senior ${['baker', 'cook', 'driver', 'clerk', 'pilot'][i]}`, lang: 'en' }, generator: 'lexical' }));
    return { result: { input: 'night nurse', candidates }, gold: [`c${qi}-${gold}`] };
  });
  const t = trainPairwise({ results, depth: 5, epochs: 200 });
  assert.ok(t.trainSuccessAt1.after > t.trainSuccessAt1.before + 0.3, JSON.stringify(t.trainSuccessAt1));
  assert.ok(t.model.weights[f('head')]! > 0);
  // With no signal beyond the first stage, the model keeps the first-stage order.
  const plain = results.map((r) => ({ result: { ...r.result, candidates: r.result.candidates.map((c) => ({ ...c, term: { text: 'x', lang: 'en' } })) }, gold: [r.result.candidates[0]!.conceptId] }));
  const keep = trainPairwise({ results: plain, depth: 5, epochs: 100 });
  assert.equal(keep.trainSuccessAt1.after, 1);
});

test('a trained reranker in a pipeline re-scores the top candidates and explains it; a malformed model is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-pairwise-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [OCCUPATIONS], { name: 'occ' });
  const F = PAIRWISE_FEATURES.length;
  // A hand-made model: the head-word match only.
  const model: PairwiseModel = { features: [...PAIRWISE_FEATURES], mean: new Array(F).fill(0), std: new Array(F).fill(1), weights: PAIRWISE_FEATURES.map((n) => (n === 'head' ? 1 : 0)) };
  const base = { name: 'p', generators: [{ type: 'lexical' as const }] };
  const linker = await Linker.build(store, 'occ', parsePipeline({ ...base, rerank: { type: 'trained', top: 10, model } }));
  const plain = await Linker.build(store, 'occ', parsePipeline(base));
  const r = await linker.link('night nurse', 10);
  const p = await plain.link('night nurse', 10);
  // The linker reads the hierarchy for the shared-parent feature.
  const ids = [...store.terms('occ')].map((t) => t.conceptId);
  const withParents = ids.filter((id) => store.concept('occ', id).parents.length > 0);
  assert.ok(withParents.length > 10);
  for (const id of new Set(ids)) assert.deepEqual(plain.pairContext.parents(id), store.concept('occ', id).parents.map((x) => x.id), id);
  const expected = pairwiseScores(model, pairFeatures({ input: 'night nurse', candidates: p.candidates }, plain.pairContext));
  for (const c of r.candidates) {
    const i = p.candidates.findIndex((x) => x.conceptId === c.conceptId);
    assert.equal(c.rerank!.model, 'trained');
    assert.equal(c.score, expected[i]);
    assert.equal(c.rerank!.before, p.candidates[i]!.score);
  }
  assert.ok(r.candidates[0]!.term.text.toLowerCase().endsWith('nurse'));
  assert.throws(
    () => parsePipeline({ ...base, rerank: { type: 'trained', model: { ...model, features: ['margin'] } } }),
    (err: unknown) => err instanceof InputError && err.problems[0]!.field === 'rerank.model',
  );
  assert.throws(
    () => parsePipeline({ ...base, rerank: { type: 'trained', model: { features: ['margin', 'colour'], mean: [0, 0], std: [1, 1], weights: [1, 1] } } }),
    (err: unknown) => err instanceof InputError && /unknown features colour/.test(err.problems[0]!.message),
  );
  // A model trained before a feature existed (a subset, by name) still scores by its own features.
  const older: PairwiseModel = { features: ['head', 'margin'], mean: [0, 0], std: [1, 1], weights: [1, 0] };
  const olderLinker = await Linker.build(store, 'occ', parsePipeline({ ...base, rerank: { type: 'trained', top: 10, model: older } }));
  const olderTop = (await olderLinker.link('night nurse', 10)).candidates;
  const heads = pairFeatures({ input: 'night nurse', candidates: p.candidates }, plain.pairContext).map((x) => x[f('head')]!);
  for (const c of olderTop) assert.equal(c.score, heads[p.candidates.findIndex((x) => x.conceptId === c.conceptId)]);
  store.close();
});

test('CLI: train-reranker writes a pipeline with the trained reranker, which link uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-trcli-'));
  assert.equal(runCli(['vocab', 'import', OCCUPATIONS, '--name', 'occ'], dir).status, 0);
  const queries = join(dir, 'dev.jsonl');
  writeFileSync(
    queries,
    [
      { qid: '1', text: 'staff nurse', gold: ['registered-nurse'] },
      { qid: '2', text: 'java developer', gold: ['software-developer'] },
      { qid: '3', text: 'truck driver long haul', gold: ['truck-driver'] },
      { qid: '4', text: 'forklift driver', gold: ['forklift-operator'] },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  const out = join(dir, 'reranked.json');
  const r = runCli(['train-reranker', '--vocab', 'occ', '--queries', queries, '--out', out, '--top', '10'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /trained on \d+ queries/);
  const pipeline = JSON.parse(readFileSync(out, 'utf8')) as { rerank: { type: string; top: number; model: PairwiseModel } };
  assert.equal(pipeline.rerank.type, 'trained');
  assert.equal(pipeline.rerank.model.weights.length, PAIRWISE_FEATURES.length);
  const link = runCli(['link', 'occ', 'staff nurse', '--pipeline', out, '--json'], dir);
  assert.equal(link.status, 0, link.stderr);
  assert.equal((JSON.parse(link.stdout) as { candidates: Array<{ rerank: { model: string } }> }).candidates[0]!.rerank.model, 'trained');
});
