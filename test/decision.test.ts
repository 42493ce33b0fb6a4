import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipeline } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { seededRandom } from '../src/core/random.js';
import { runCli } from './helpers/cli.js';
import { calibrate, fitLogistic } from '../src/tuning/calibrate.js';
import { reliability } from '../src/metrics/reliability.js';
import { candidateFeatures, confidenceOf } from '../src/pipeline/stages/decision.js';

const CONDITIONS = join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl');

test('candidate features: similarity before the correction, margin to the best other candidate', () => {
  const f = candidateFeatures([{ score: 0.9, hubness: { before: 0.8 } }, { score: 0.7 }, { score: 0.5 }]);
  assert.deepEqual(f.map((x) => x.similarity), [0.8, 0.7, 0.5]);
  assert.ok(Math.abs(f[0]!.margin - 0.2) < 1e-12);
  assert.ok(Math.abs(f[1]!.margin + 0.2) < 1e-12);
  assert.ok(Math.abs(f[2]!.margin + 0.4) < 1e-12);
});

test('logistic fit: recovers the direction of a known model, confidences in [0, 1]', () => {
  const rand = seededRandom(3);
  const truth: [number, number, number] = [-3, 4, 10];
  const xs = Array.from({ length: 4000 }, () => ({ similarity: rand(), margin: rand() * 0.4 - 0.2 }));
  const ys = xs.map((f) => (rand() < confidenceOf(truth, f) ? 1 : 0) as 0 | 1);
  const w = fitLogistic(xs, ys);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(w[i]! - truth[i]!) < 0.25 * Math.abs(truth[i]!) + 0.3, `w${i} ${w[i]} vs ${truth[i]}`);
  for (const f of xs.slice(0, 100)) {
    const c = confidenceOf(w, f);
    assert.ok(c >= 0 && c <= 1);
  }
});

test('reliability: bins and expected calibration error computed by hand', () => {
  const r = reliability([
    { confidence: 0.95, correct: true },
    { confidence: 0.91, correct: false },
    { confidence: 0.15, correct: false },
    { confidence: 0.12, correct: false },
  ]);
  const top = r.bins[9]!;
  assert.equal(top.n, 2);
  assert.ok(Math.abs(top.meanConfidence - 0.93) < 1e-12);
  assert.equal(top.accuracy, 0.5);
  assert.equal(r.bins[1]!.n, 2);
  // ECE = 2/4·|0.93 − 0.5| + 2/4·|0.135 − 0|
  assert.ok(Math.abs(r.ece - (0.5 * 0.43 + 0.5 * 0.135)) < 1e-12);
});

test('calibrate: with NIL queries the threshold turns them into NIL; with a precision target the answers reach it', () => {
  const right = (s: number) => ({ candidates: [{ conceptId: 'a', score: s }, { conceptId: 'b', score: s - 0.3 }], gold: ['a'] });
  const nil = (s: number) => ({ candidates: [{ conceptId: 'x', score: s }, { conceptId: 'y', score: s - 0.01 }], gold: [] as string[] });
  const outcomes = [...[0.9, 0.85, 0.95, 0.8, 0.88].map(right), ...[0.4, 0.35, 0.45].map(nil)];
  const c = calibrate(outcomes);
  assert.equal(c.nilQueries, 3);
  assert.equal(c.nilCorrect, 3);
  assert.equal(c.answered, 5);
  assert.equal(c.precision, 1);
  assert.ok(c.decision.nilThreshold > 0 && c.decision.nilThreshold < 1);
  const wrong = (s: number) => ({ candidates: [{ conceptId: 'z', score: s }, { conceptId: 'a', score: s - 0.02 }], gold: ['a'] });
  const p = calibrate([...[0.9, 0.85, 0.95].map(right), ...[0.5, 0.45].map(wrong)], { minPrecision: 1 });
  assert.equal(p.precision, 1);
  assert.equal(p.answered, 3);
});

test('a pipeline with a decision section gives every candidate a confidence and answers NIL below the threshold', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-decision-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [CONDITIONS], { name: 'cond' });
  const base = { name: 'd', normalize: { pack: 'medical' }, generators: [{ type: 'lexical', bm25Weight: 0 }] };
  const decided = await Linker.build(store, 'cond', parsePipeline({ ...base, decision: { confidence: { weights: [-4, 6, 8] }, nilThreshold: 0.5 } }));
  const sure = await decided.link('heart attack', 1);
  assert.equal(sure.candidates.length, 1);
  assert.ok(sure.candidates[0]!.confidence! > 0.5);
  assert.equal(sure.nil, false);
  // The top candidate's confidence does not depend on k (the runner-up is always ranked).
  assert.equal((await decided.link('heart attack', 5)).candidates[0]!.confidence, sure.candidates[0]!.confidence);
  const unsure = await decided.link('chronic pain of the left elbow joint', 3);
  assert.ok(unsure.candidates.length > 0, 'NIL still lists the candidates');
  assert.ok(unsure.candidates[0]!.confidence! < 0.5);
  assert.equal(unsure.nil, true);
  const plain = await Linker.build(store, 'cond', parsePipeline(base));
  const r = await plain.link('heart attack', 3);
  assert.equal(r.nil, undefined);
  assert.equal(r.candidates[0]!.confidence, undefined);
  store.close();
});

test('CLI: calibrate writes a pipeline with the decision; link and eval use it (confidence, NIL, ECE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-calibcli-'));
  assert.equal(runCli(['vocab', 'import', CONDITIONS, '--name', 'cond'], dir).status, 0);
  const dev = join(dir, 'dev.jsonl');
  writeFileSync(
    dev,
    [
      { qid: '1', text: 'heart attack', gold: ['I21.9'] },
      { qid: '2', text: 'high blood pressure', gold: ['I10'] },
      { qid: '3', text: 'broken hip', gold: ['S72.009A'] },
      { qid: '4', text: 'sugar diabetes', gold: ['E11.9'] },
      { qid: '5', text: 'the weather today', gold: [] },
      { qid: '6', text: 'invoice number 42', gold: [] },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  const out = join(dir, 'calibrated.json');
  const r = runCli(['calibrate', '--vocab', 'cond', '--queries', dev, '--preset', 'medical', '--out', out], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /confidence = σ\(/);
  assert.match(r.stdout, /expected calibration error/);
  const pipeline = JSON.parse(readFileSync(out, 'utf8')) as { decision: { confidence: { weights: number[] }; nilThreshold: number } };
  assert.equal(pipeline.decision.confidence.weights.length, 3);
  const link = runCli(['link', 'cond', 'heart attack', '--pipeline', out, '--json'], dir);
  assert.equal(link.status, 0, link.stderr);
  const lr = JSON.parse(link.stdout) as { nil: boolean; candidates: Array<{ confidence: number }> };
  assert.equal(typeof lr.nil, 'boolean');
  assert.ok(lr.candidates.every((c) => c.confidence >= 0 && c.confidence <= 1));
  const ev = runCli(['eval', 'cond', dev, '--pipeline', out, '--json'], dir);
  assert.equal(ev.status, 0, ev.stderr);
  assert.equal(typeof (JSON.parse(ev.stdout) as { ece: number }).ece, 'number');
  assert.equal(runCli(['calibrate', '--vocab', 'cond', '--queries', dev, '--min-precision', '2'], dir).status, 2);
});
