import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CachedEncoder } from '../src/encoders/cache.js';
import { CrossEncoder } from '../src/encoders/onnx/cross-encoder.js';
import { createSession, cudaUnavailableReason, ort } from '../src/encoders/onnx/runtime.js';
import { TransformerEncoder } from '../src/encoders/onnx/transformer.js';
import { InputError, NotFoundError, UsageError } from '../src/core/errors.js';
import { VocabStore } from '../src/store/store.js';
import { fixtureVocab, writeTinyBert } from './helpers/tiny-bert.js';
import { tempDir } from './helpers/tmp.js';

const vocab = fixtureVocab();
const id = (token: string): number => {
  const i = vocab.indexOf(token);
  assert.ok(i >= 0, `fixture vocabulary has ${token}`);
  return i;
};

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** last_hidden_state of the fixture for hand-made token ids, run on the raw session. */
async function hidden(modelDir: string, ids: number[]): Promise<{ data: Float32Array; dim: number }> {
  const session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'));
  const t = (v: number[]): InstanceType<typeof ort.Tensor> => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, v.length]);
  const out = await session.run({ input_ids: t(ids), attention_mask: t(ids.map(() => 1)), token_type_ids: t(ids.map(() => 0)) });
  const h = out['last_hidden_state'] as InstanceType<typeof ort.Tensor>;
  await session.release();
  return { data: h.data as Float32Array, dim: h.dims[2] as number };
}

const normalized = (v: Float64Array): Float32Array => {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Float32Array.from(v, (x) => x / n);
};

const TEXTS = [
  'software developer',
  'Senior Java Developer (m/w/d)',
  'heart attack',
  'acute myocardial infarction of the heart',
  '',
  'registered nurse',
  'breast cancer, type 2 diabetes and chronic pain in the lung',
  'x',
  'data scientist',
  'sales manager',
  'a b c d e f g h i j k l m n o p',
];

test('bi-encoder: shapes, unit rows in one buffer, and the first-token / mean pooling against a hand computation', async (t) => {
  const dir = writeTinyBert(tempDir(t), { pooling: 'mean' });
  const enc = await TransformerEncoder.load(dir);
  t.after(() => enc.close());
  assert.equal(enc.dim, 16);
  assert.equal(enc.layout.pooling, 'mean');
  assert.equal(enc.layout.poolingSource, '1_Pooling/config.json');
  const rows = await enc.embed(['heart attack', 'software developer', 'nurse']);
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.equal(r.length, 16);
    assert.ok(Math.abs(norm(r) - 1) < 1e-5);
    assert.equal(r.buffer, rows[0]?.buffer, 'rows share one buffer');
  }
  assert.equal(await enc.embed([]).then((r) => r.length), 0);

  // [CLS] heart attack [SEP], by hand.
  const ids = [id('[CLS]'), id('heart'), id('attack'), id('[SEP]')];
  const h = await hidden(dir, ids);
  const mean = new Float64Array(h.dim);
  for (let j = 0; j < ids.length; j++) for (let d = 0; d < h.dim; d++) mean[d] = (mean[d] as number) + (h.data[j * h.dim + d] as number) / ids.length;
  assert.ok(maxDiff(rows[0] as Float32Array, normalized(mean)) < 1e-6, 'mean pooling matches');

  const cls = await TransformerEncoder.load(dir, { pooling: 'cls' });
  t.after(() => cls.close());
  assert.equal(cls.layout.poolingSource, 'option');
  const [c] = await cls.embed(['heart attack']);
  assert.ok(maxDiff(c as Float32Array, normalized(Float64Array.from(h.data.subarray(0, h.dim)))) < 1e-6, 'CLS pooling matches');
  assert.notEqual(cls.fingerprint, enc.fingerprint, 'pooling is part of the fingerprint');
});

test('bi-encoder: pooling read from 1_Pooling/config.json; default mean without it', async (t) => {
  const clsDir = writeTinyBert(join(tempDir(t), 'cls'), { pooling: 'cls', quantized: false });
  const enc = await TransformerEncoder.load(clsDir);
  t.after(() => enc.close());
  assert.equal(enc.layout.pooling, 'cls');
  const plainDir = writeTinyBert(join(tempDir(t), 'plain'), { quantized: false });
  const plain = await TransformerEncoder.load(plainDir);
  t.after(() => plain.close());
  assert.deepEqual([plain.layout.pooling, plain.layout.poolingSource], ['mean', 'default']);
  const hinted = await TransformerEncoder.load(plainDir, { hints: { pooling: 'cls' } });
  t.after(() => hinted.close());
  assert.deepEqual([hinted.layout.pooling, hinted.layout.poolingSource], ['cls', 'registry']);
});

test('bi-encoder: deterministic, batch-size invariant and padding invariant to 1e-5', async (t) => {
  const dir = writeTinyBert(tempDir(t), { pooling: 'mean' });
  const a = await TransformerEncoder.load(dir, { batchSize: 1 });
  const b = await TransformerEncoder.load(dir, { batchSize: 4 });
  const c = await TransformerEncoder.load(dir, { batchSize: 64 });
  t.after(async () => Promise.all([a.close(), b.close(), c.close()]));
  const one = await a.embed(TEXTS);
  const again = await a.embed(TEXTS);
  one.forEach((r, i) => assert.deepEqual(r, again[i], `same vector twice for "${TEXTS[i]}"`));
  for (const other of [await b.embed(TEXTS), await c.embed(TEXTS)]) {
    other.forEach((r, i) => assert.ok(maxDiff(r, one[i] as Float32Array) < 1e-5, `batching changed "${TEXTS[i]}"`));
  }
  // A short text padded to a long neighbour's length gets the same vector as alone.
  const [alone] = await c.embed(['x']);
  const [padded] = await c.embed(['x', 'breast cancer '.repeat(20)]);
  assert.ok(maxDiff(alone as Float32Array, padded as Float32Array) < 1e-5);
  // Texts that differ get different vectors (the fixture is not constant).
  assert.ok(maxDiff(one[0] as Float32Array, one[2] as Float32Array) > 1e-3);
});

test('bi-encoder: empty strings and a 10,000-token input (truncated to the max length, not a crash)', async (t) => {
  const dir = writeTinyBert(tempDir(t), { pooling: 'mean', maxPositions: 64 });
  const enc = await TransformerEncoder.load(dir);
  t.after(() => enc.close());
  assert.equal(enc.layout.maxLength, 64, 'capped by the position embeddings');
  const [empty, blank] = await enc.embed(['', '   ']);
  assert.ok(Math.abs(norm(empty as Float32Array) - 1) < 1e-5);
  assert.ok(maxDiff(empty as Float32Array, blank as Float32Array) < 1e-6, 'whitespace is an empty text');
  const long = 'heart '.repeat(10_000);
  const [v] = await enc.embed([long]);
  assert.ok(v && v.every(Number.isFinite));
  const [cut] = await enc.embed(['heart '.repeat(62)]);
  assert.ok(maxDiff(v as Float32Array, cut as Float32Array) < 1e-6, 'the first 62 tokens, between [CLS] and [SEP]');

  const short = await TransformerEncoder.load(dir, { maxLength: 8 });
  t.after(() => short.close());
  const [s1] = await short.embed(['heart attack disease data care cancer lung pain acute']);
  const [s2] = await short.embed(['heart attack disease data care cancer']);
  assert.ok(maxDiff(s1 as Float32Array, s2 as Float32Array) < 1e-6);
  assert.notEqual(short.fingerprint, enc.fingerprint, 'max length is part of the fingerprint');
});

test('bi-encoder: int8 file, query/passage prefixes', async (t) => {
  const dir = writeTinyBert(tempDir(t), { pooling: 'mean' });
  const fp32 = await TransformerEncoder.load(dir);
  const int8 = await TransformerEncoder.load(dir, { precision: 'int8' });
  t.after(async () => Promise.all([fp32.close(), int8.close()]));
  assert.equal(int8.layout.onnxFile, 'onnx/model_quantized.onnx');
  assert.notEqual(int8.fingerprint, fp32.fingerprint);
  const [a] = await fp32.embed(['acute myocardial infarction']);
  const [b] = await int8.embed(['acute myocardial infarction']);
  const cos = (a as Float32Array).reduce((s, x, i) => s + x * ((b as Float32Array)[i] as number), 0);
  assert.ok(cos > 0.99, `int8 close to fp32 (cosine ${cos})`);

  const e5 = await TransformerEncoder.load(dir, { queryPrefix: 'query: ', passagePrefix: 'passage: ' });
  t.after(() => e5.close());
  const [q] = await e5.embed(['heart attack'], { role: 'query' });
  const [p] = await e5.embed(['heart attack'], { role: 'passage' });
  const [manual] = await fp32.embed(['query: heart attack']);
  assert.ok(maxDiff(q as Float32Array, manual as Float32Array) < 1e-6, 'the query prefix is prepended');
  assert.ok(maxDiff(q as Float32Array, p as Float32Array) > 1e-4, 'queries and passages differ');
  assert.notEqual(e5.fingerprint, fp32.fingerprint);
});

test('bi-encoder: bad model folders get errors that name the file', async (t) => {
  const root = tempDir(t);
  await assert.rejects(TransformerEncoder.load(join(root, 'nope')), (e: Error) => e instanceof NotFoundError && /nope does not exist/.test(e.message));
  const dir = writeTinyBert(join(root, 'm'), { quantized: false, pooling: 'mean' });
  await assert.rejects(TransformerEncoder.load(dir, { precision: 'int8' }), (e: Error) => e instanceof NotFoundError && /no int8 ONNX file.*it has onnx\/model\.onnx/.test(e.message));
  writeFileSync(join(dir, '1_Pooling', 'config.json'), '{"pooling_mode_max_tokens": true}');
  await assert.rejects(TransformerEncoder.load(dir), /1_Pooling\/config\.json\b.*only CLS and mean pooling/s);
  writeTinyBert(dir, { pooling: 'mean', quantized: false });
  writeFileSync(join(dir, 'config.json'), '{"model_type": ');
  await assert.rejects(TransformerEncoder.load(dir), (e: Error) => e instanceof InputError && /config\.json: cannot read model file/.test(e.message));
  writeTinyBert(dir, { quantized: false });
  rmSync(join(dir, 'tokenizer.json'));
  await assert.rejects(TransformerEncoder.load(dir), /lacks tokenizer\.json/);
  writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
  await assert.rejects(TransformerEncoder.load(dir), /cannot load the tokenizer in .*\/m: /);
  writeTinyBert(dir, { quantized: false });
  await assert.rejects(TransformerEncoder.load(dir, { batchSize: 0 }), (e: Error) => e instanceof UsageError && /batch size/.test(e.message));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
  await assert.rejects(TransformerEncoder.load(dir), /cannot load ONNX model .*model\.onnx/);
  writeTinyBert(dir, { quantized: false, extraInputs: ['position_ids'] });
  await assert.rejects(TransformerEncoder.load(dir), /inputs are input_ids, attention_mask, token_type_ids, position_ids; normkit feeds input_ids, attention_mask and token_type_ids/);
  const cross = writeTinyBert(join(root, 'cross'), { kind: 'cross-encoder', quantized: false });
  await assert.rejects(TransformerEncoder.load(cross), /outputs are logits; expected last_hidden_state or .*not a classifier/);
  writeTinyBert(dir, { quantized: false });
  await assert.rejects(CrossEncoder.load(dir), /outputs are last_hidden_state; expected logits \(a sequence-classification export, not an encoder\)/);
});

test('cross-encoder: one logit per pair against a hand computation, batch invariant, long pairs truncated', async (t) => {
  const dir = writeTinyBert(tempDir(t), { kind: 'cross-encoder' });
  const ce = await CrossEncoder.load(dir, { batchSize: 3 });
  const one = await CrossEncoder.load(dir, { batchSize: 1 });
  t.after(async () => Promise.all([ce.close(), one.close()]));
  assert.equal(ce.labels, 1);
  const texts = ['myocardial infarction', 'software developer', '', 'heart attack', 'sales manager of the lung cancer care data'];
  const scores = await ce.score('heart attack', texts);
  assert.equal(scores.length, texts.length);
  const single = await one.score('heart attack', texts);
  scores.forEach((s, i) => assert.ok(Math.abs(s - (single[i] as number)) < 1e-5));
  assert.ok(new Set(Array.from(scores, (s) => s.toFixed(4))).size > 1, 'scores depend on the candidate');
  const swapped = await ce.scorePairs([['software developer', 'heart attack']]);
  assert.notEqual(swapped[0], scores[1], 'pair order matters (token types)');

  // By hand: [CLS] heart attack [SEP] nurse [SEP] with token types 0…0 1 1.
  const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
  const ids = [id('[CLS]'), id('heart'), id('attack'), id('[SEP]'), id('nurse'), id('[SEP]')];
  const tt = (v: number[]): InstanceType<typeof ort.Tensor> => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, v.length]);
  const out = await session.run({ input_ids: tt(ids), attention_mask: tt(ids.map(() => 1)), token_type_ids: tt([0, 0, 0, 0, 1, 1]) });
  await session.release();
  const [nurse] = await ce.score('heart attack', ['nurse']);
  assert.ok(Math.abs((nurse as number) - ((out['logits'] as InstanceType<typeof ort.Tensor>).data[0] as number)) < 1e-5);

  const [long] = await ce.score('heart '.repeat(10_000), ['attack '.repeat(10_000)]);
  assert.ok(Number.isFinite(long));
  assert.equal((await ce.scorePairs([])).length, 0);
});

test('device: cpu works; auto falls back to CPU with one log line; cuda without CUDA is an error that says how to install it', async (t) => {
  const dir = writeTinyBert(tempDir(t), { quantized: false });
  const model = join(dir, 'onnx', 'model.onnx');
  const cpu = await createSession(model, { device: 'cpu', threads: 1 });
  assert.equal(cpu.device, 'cpu');
  await cpu.session.release();
  const lines: string[] = [];
  const auto = await createSession(model, { device: 'auto', log: (l) => lines.push(l) });
  t.after(() => auto.session.release());
  const reason = cudaUnavailableReason();
  if (reason !== undefined) {
    assert.equal(auto.device, 'cpu');
    assert.equal(lines.length, 1);
    assert.match(lines[0] as string, /^normkit: CUDA is not available \(.+\); running on CPU\. For the GPU: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node$/);
    assert.ok(lines[0]?.includes(reason));
    await assert.rejects(createSession(model, { device: 'cuda' }), /--device cuda: the CUDA execution provider cannot be used: .*--device auto.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  } else {
    // A machine with CUDA binaries: the provider is selected, or its failure is logged once.
    assert.ok(auto.device === 'cuda' || lines.length === 1);
  }
  await assert.rejects(createSession(model, { device: 'tpu' as 'cpu' }), (e: Error) => e instanceof UsageError && /unknown device "tpu"/.test(e.message));
  await assert.rejects(createSession(model, { threads: 0 }), /threads must be a positive integer/);
});

test('embedding cache: unchanged texts are not re-encoded, vectors survive reopening, another encoder misses', async (t) => {
  const root = tempDir(t);
  const dir = writeTinyBert(join(root, 'm'), { pooling: 'mean' });
  const dbPath = join(root, 'normkit.db');
  let store = VocabStore.open(dbPath);
  const inner = await TransformerEncoder.load(dir);
  t.after(() => inner.close());
  const calls: number[] = [];
  const counting = { dim: inner.dim, fingerprint: inner.fingerprint, close: async () => {}, embed: async (texts: readonly string[], o?: { role?: 'query' | 'passage' }) => (calls.push(texts.length), inner.embed(texts, o)) };
  const cached = new CachedEncoder(counting, store);
  const first = await cached.embed(['heart attack', 'nurse', 'heart attack'], { role: 'passage' });
  assert.deepEqual(calls, [2], 'the repeated text is encoded once');
  assert.deepEqual(cached.counts, { hits: 0, misses: 3 });
  const direct = await inner.embed(['heart attack', 'nurse'], { role: 'passage' });
  assert.ok(maxDiff(first[0] as Float32Array, direct[0] as Float32Array) < 1e-6);
  assert.deepEqual(first[0], first[2]);
  store.close();

  store = VocabStore.open(dbPath);
  t.after(() => store.close());
  const reopened = new CachedEncoder(counting, store);
  const again = await reopened.embed(['nurse', 'heart attack', 'data scientist'], { role: 'passage' });
  assert.deepEqual(calls, [2, 1], 'only the new text reaches the model');
  assert.deepEqual(reopened.counts, { hits: 2, misses: 1 });
  assert.deepEqual(again[1], first[0]);
  await reopened.embed(['nurse'], { role: 'query' });
  assert.deepEqual(calls, [2, 1, 1], 'the role is part of the key');
  assert.equal(store.embeddingCacheStats()[0]?.vectors, 4);

  const other = await TransformerEncoder.load(dir, { pooling: 'cls' });
  t.after(() => other.close());
  const otherCached = new CachedEncoder(other, store);
  await otherCached.embed(['nurse'], { role: 'passage' });
  assert.deepEqual(otherCached.counts, { hits: 0, misses: 1 }, 'another fingerprint never reads these vectors');
  assert.equal(store.clearEmbeddings(inner.fingerprint), 4);
  assert.ok(existsSync(dbPath));
});
