import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { saveTrainedEncoder } from '../src/encoders/trained/export.js';
import { DEFAULT_FEATURIZER, featurize, type FeaturizerSpec } from '../src/encoders/trained/featurizer.js';
import { TrainedEncoder } from '../src/encoders/trained/encoder.js';
import { BagModel } from '../src/encoders/trained/model.js';
import { batchGradients, successAt1, trainEncoder, type TrainingConcept } from '../src/encoders/trained/train.js';
import { metadataOf, trainOnVocabulary } from '../src/encoders/trained/vocabulary.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runDocExample } from './helpers/doc-example.js';
import { ROOT, runCli } from './helpers/cli.js';

const SPEC: FeaturizerSpec = { ...DEFAULT_FEATURIZER, buckets: 4096, maxFeatures: 64 };
const STEMS = ['cardio', 'neuro', 'gastro', 'hepato', 'nephro', 'dermato', 'osteo', 'myo', 'pneumo', 'hemato', 'onco', 'immuno'];
const SUFFIX = ['pathy', 'itis', 'oma', 'algia', 'logy', 'sclerosis'];

/** Concepts named stem+suffix, with a synonym that shares no letters ("disease N") and a spelling variant. */
function concepts(): TrainingConcept[] {
  const out: TrainingConcept[] = [];
  let n = 0;
  for (const s of STEMS)
    for (const x of SUFFIX) {
      n++;
      out.push({ id: `C${n}`, terms: [`${s}${x}`, `syndrome number ${n}`, `${s} ${x} disorder`] });
    }
  return out;
}

test('featurizer: hashed char n-grams, words, bigrams; weights sum to 1; deterministic', () => {
  const f = featurize(SPEC, 'Heart Attack');
  assert.ok(f.ids.length > 5);
  assert.ok(Math.abs(f.weights.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.ok(f.ids.every((id) => id >= 1 && id < SPEC.buckets), 'row 0 is padding');
  assert.deepEqual([...featurize(SPEC, 'heart  attack!').ids], [...f.ids], 'folded the same way as the lexical index');
  assert.equal(featurize(SPEC, '').ids.length, 0);
  assert.ok(featurize({ ...SPEC, maxFeatures: 4 }, 'a very long text with many words').ids.length <= 4);
});

test('hand-written gradients match finite differences of the InfoNCE loss', () => {
  const model = BagModel.init(SPEC, 8, 3, 1);
  const texts = ['cardiopathy', 'cardio pathy disorder', 'neuritis', 'neuro itis disorder', 'osteoma'];
  const f = texts.map((t) => featurize(SPEC, t));
  const anchors = [f[0]!, f[2]!];
  const cands = [f[1]!, f[3]!, f[4]!];
  const aC = [0, 1];
  const cC = [0, 1, 2];
  const { loss, rowGrad } = batchGradients(model, anchors, cands, aC, cC, 5);
  assert.ok(loss > 0);
  const rows = [...rowGrad.keys()].slice(0, 6);
  const eps = 1e-3;
  let checked = 0;
  for (const r of rows) {
    for (const k of [0, 3, 7]) {
      const at = r * 8 + k;
      const orig = model.table[at]!;
      model.table[at] = orig + eps;
      const up = batchGradients(model, anchors, cands, aC, cC, 5).loss;
      model.table[at] = orig - eps;
      const down = batchGradients(model, anchors, cands, aC, cC, 5).loss;
      model.table[at] = orig;
      const numeric = (up - down) / (2 * eps);
      const analytic = rowGrad.get(r)![k]!;
      assert.ok(Math.abs(numeric - analytic) < 2e-3 + 0.02 * Math.abs(numeric), `row ${r}[${k}]: numeric ${numeric} vs analytic ${analytic}`);
      checked++;
    }
  }
  assert.ok(checked >= 12);
});

test('training is seeded, lowers the loss and lifts held-out Success@1 above the untrained model', async () => {
  const cs = concepts();
  // Hold out each concept's "disorder" variant for validation and test.
  const train = cs.map((c) => ({ id: c.id, terms: c.terms.slice(0, 2) }));
  const held = cs.map((c) => ({ text: c.terms[2]!, conceptId: c.id }));
  const val = held.filter((_, i) => i % 2 === 0);
  const testQ = held.filter((_, i) => i % 2 === 1);
  const options = { dim: 32, featurizer: SPEC, epochs: 30, batchSize: 16, evalEvery: 10, patience: 100, seed: 5 };
  const a = await trainEncoder(train, [], val, options);
  const b = await trainEncoder(train, [], val, options);
  assert.deepEqual(a.model.table, b.model.table, 'same seed, same model');
  const losses = a.history.filter((h) => !Number.isNaN(h.loss)).map((h) => h.loss);
  assert.ok(losses[losses.length - 1]! < losses[0]!, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  const terms = train.flatMap((c) => c.terms);
  const ids = train.flatMap((c) => c.terms.map(() => c.id));
  const untrained = await successAt1(BagModel.init(SPEC, 32, 5, 1), terms, ids, testQ);
  const trained = await successAt1(a.model, terms, ids, testQ);
  assert.ok(trained > untrained, `trained ${trained} vs untrained ${untrained}`);
  // "syndrome number N" shares nothing with "cardiopathy": only training links them.
  const [syn] = [a.model.embedMatrix(['syndrome number 1', 'cardiopathy', 'neuritis'])];
  const dot = (i: number, j: number): number => Array.from({ length: 32 }, (_, k) => syn[i * 32 + k]! * syn[j * 32 + k]!).reduce((x, y) => x + y, 0);
  assert.ok(dot(0, 1) > dot(0, 2), 'a concept\'s synonyms are pulled together');
});

test('export: the ONNX model served by onnxruntime-node gives the trained vectors (fp32 to 1e-5, int8 close); metadata; atomic save', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-trained-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, concepts().map((c) => JSON.stringify({ id: c.id, name: c.terms[0], synonyms: c.terms.slice(1) })).join('\n') + '\n');
  await importVocabulary(store, [file], { name: 'v' });
  const r = await trainOnVocabulary(store, 'v', { dim: 16, featurizer: SPEC, epochs: 3, batchSize: 16, evalEvery: 5, seed: 2, validationShare: 0.2 });
  const out = join(dir, 'model');
  saveTrainedEncoder(out, r.model, metadataOf(store, 'v', r));
  assert.ok(existsSync(join(out, 'onnx', 'model.onnx')) && existsSync(join(out, 'onnx', 'model_quantized.onnx')));
  const texts = ['cardiopathy', 'Neuro-itis disorder', '', 'x'];
  const want = r.model.embedMatrix(texts);
  const enc = await TrainedEncoder.load(out);
  const got = await enc.embed(texts);
  got.forEach((v, i) => v.forEach((x, k) => assert.ok(Math.abs(x - want[i * 16 + k]!) < 1e-5, `text ${i} dim ${k}`)));
  assert.ok(got[2]!.every((x) => x === 0), 'an empty text has no features: a zero vector');
  assert.equal(enc.metadata.vocabulary.name, 'v');
  assert.equal(enc.metadata.data.concepts, 72);
  await enc.close();
  const q = await TrainedEncoder.load(out, { precision: 'int8' });
  const gq = await q.embed(texts.slice(0, 2));
  for (let i = 0; i < 2; i++) {
    const cos = gq[i]!.reduce((s, x, k) => s + x * want[i * 16 + k]!, 0);
    assert.ok(cos > 0.99, `int8 cosine ${cos}`);
  }
  assert.notEqual(q.fingerprint, (await TrainedEncoder.load(out)).fingerprint);
  await q.close();
  // A save that fails part-way leaves the previous model folder as it was.
  const broken = new BagModel({ ...SPEC, buckets: 2 }, 16, new Float32Array(32));
  Object.defineProperty(broken, 'spec', { get: () => { throw new Error('simulated failure'); } });
  assert.throws(() => saveTrainedEncoder(out, broken, metadataOf(store, 'v', r)), /simulated failure/);
  const again = await TrainedEncoder.load(out);
  assert.equal(again.metadata.data.concepts, 72);
  await again.close();
  store.close();
});

test('CLI: train-encoder writes a model that model info describes and index build uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-trainedcli-'));
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, concepts().map((c) => JSON.stringify({ id: c.id, name: c.terms[0], synonyms: c.terms.slice(1) })).join('\n') + '\n');
  assert.equal(runCli(['vocab', 'import', file, '--name', 'v'], dir).status, 0);
  const pairs = join(dir, 'pairs.jsonl');
  writeFileSync(pairs, JSON.stringify({ qid: '1', text: 'heart muscle disease', gold: ['C1'] }) + '\n');
  const out = join(dir, 'enc');
  const r = runCli(['train-encoder', '--vocab', 'v', '--out', out, '--dim', '16', '--buckets', '4096', '--epochs', '2', '--batch-size', '16', '--pairs', pairs, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { metadata: { data: { labeledPairs: number }; dim: number } };
  assert.equal(res.metadata.data.labeledPairs, 1);
  const info = runCli(['model', 'info', out], dir);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /encoder trained by normkit/);
  assert.match(info.stdout, /vocabulary +v /);
  assert.match(info.stdout, /held out +Success@1/);
  const idx = runCli(['index', 'build', '--vocab', 'v', '--model', out, '--json'], dir);
  assert.equal(idx.status, 0, idx.stderr);
  assert.equal((JSON.parse(idx.stdout) as { dim: number }).dim, 16);
  const bad = runCli(['train-encoder', '--vocab', 'nope'], dir);
  assert.equal(bad.status, 4);
});


test("docs/trained-encoder.md's library example runs on a trained model", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-tdoc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = BagModel.init(SPEC, 8, 1, 1);
  saveTrainedEncoder(join(dir, 'enc'), model, {
    kind: 'normkit-trained-encoder',
    version: 1,
    dim: 8,
    vocabulary: { name: 'x', checksum: 'sha256:0', importedAt: '2026-01-01T00:00:00Z' },
    data: { concepts: 0, terms: 0, labeledPairs: 0, validationQueries: 0 },
    hyperparameters: {},
    heldOut: { validationSuccessAt1: Number.NaN, steps: 0, bestStep: 0 },
    trainingSeconds: 0,
    date: '2026-01-01T00:00:00Z',
  });
  const doc = readFileSync(join(ROOT, 'docs', 'trained-encoder.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block);
  const stdout = runDocExample(t, block, { dir, replace: { 'models/esco-encoder': join(dir, 'enc') }, append: 'console.log(a.length, b.length);\nawait encoder.close();' });
  assert.equal(stdout.trim(), '8 8');
});

test('training on a 50-concept fixture reaches 100% training-pair Success@1', async () => {
  const cs = concepts().slice(0, 50);
  const r = await trainEncoder(cs, [], [], { dim: 32, featurizer: SPEC, epochs: 60, batchSize: 25, seed: 3 });
  const terms = cs.flatMap((c) => c.terms);
  const ids = cs.flatMap((c) => c.terms.map(() => c.id));
  const M = r.model.embedMatrix(terms);
  let hits = 0;
  for (let i = 0; i < terms.length; i++) {
    // Each term's nearest other term must be one of its own concept's.
    let best = -Infinity;
    let arg = -1;
    for (let j = 0; j < terms.length; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < 32; k++) s += M[i * 32 + k]! * M[j * 32 + k]!;
      if (s > best) {
        best = s;
        arg = j;
      }
    }
    if (ids[arg] === ids[i]) hits++;
  }
  assert.equal(hits, terms.length, `${hits} of ${terms.length} training pairs`);
});

test('the training progress bar shows the loss and the held-out Success@1', async () => {
  const { terminalProgress } = await import('../src/core/progress.js');
  const { trainingDetail } = await import('../src/encoders/trained/vocabulary.js');
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
  let out = '';
  (stream as unknown as PassThrough).on('data', (b: Buffer) => (out += b.toString()));
  const bar = terminalProgress(stream);
  bar.start('training', 10, 'steps');
  bar.advance(4, trainingDetail({ step: 4, steps: 10, loss: 1.25, validation: 0.5 }));
  bar.stop();
  assert.match(out, /loss 1\.250 \| held-out Success@1 0\.500/);
  assert.equal(trainingDetail({ step: 1, steps: 10, loss: 2, validation: Number.NaN }), 'loss 2.000 | held-out Success@1 –');
});
