import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NgramHashEncoder } from '../src/encoders/ngram-hash.js';
import { seededRandom } from '../src/core/random.js';
import { VocabStore } from '../src/store/store.js';
import { ExactIndex, HnswIndex } from '../src/vector/hnsw.js';
import { SearchPool } from '../src/vector/pool.js';
import { TermVectorIndex } from '../src/vector/term-index.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runDocExample } from './helpers/doc-example.js';
import { ROOT, runCli } from './helpers/cli.js';

const SYLLABLES = ['car', 'dio', 'neu', 'ro', 'gas', 'tro', 'hep', 'at', 'itis', 'oma', 'path', 'y', 'derm', 'nephr', 'os', 'is', 'my', 'algia'];

/** Seeded pseudo-medical words: strings with shared pieces, so neighbourhoods are real. */
function words(n: number, seed: number): string[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const parts = 2 + Math.floor(rand() * 3);
    const w = Array.from({ length: parts }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!).join('');
    return rand() < 0.4 ? `${w} ${SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!}` : w;
  });
}

const encoder = new NgramHashEncoder({ dim: 64 });

test('n-gram hash encoder: unit rows, deterministic, similar spellings closer', async () => {
  const [a, b, c, a2] = await encoder.embed(['cardiomyopathy', 'cardiomyopathies', 'truck driver', 'cardiomyopathy']);
  const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
  assert.ok(Math.abs(dot(a!, a!) - 1) < 1e-5);
  assert.deepEqual([...a!], [...a2!]);
  assert.ok(dot(a!, b!) > dot(a!, c!) + 0.3);
  assert.notEqual(new NgramHashEncoder({ dim: 64, seed: 2 }).fingerprint, encoder.fingerprint);
});

test('exact search: blocked products equal a naive scan; HNSW recall@10 against it', async () => {
  const texts = words(1500, 1);
  const rows = await encoder.embed(texts);
  const labels = texts.map((_, i) => i * 3); // labels need not be positions
  const exact = ExactIndex.fromRows(rows, labels);
  const queries = await encoder.embed(words(100, 2));
  const naive = queries.map((q) =>
    rows
      .map((r, i) => ({ label: labels[i]!, score: r.reduce((s, v, j) => s + v * q[j]!, 0) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 10),
  );
  const blocked = exact.searchBatch(queries, 10);
  blocked.forEach((hits, qi) => {
    assert.deepEqual(
      hits.map((h) => h.label),
      naive[qi]!.map((h) => h.label),
    );
    hits.forEach((h, i) => assert.ok(Math.abs(h.score - naive[qi]![i]!.score) < 1e-5));
  });
  const hnsw = HnswIndex.create(64, {}, 100); // grows past its first capacity
  hnsw.add(rows, labels);
  assert.equal(hnsw.count, 1500);
  let found = 0;
  queries.forEach((q, qi) => {
    const truth = new Set(blocked[qi]!.map((h) => h.label));
    for (const h of hnsw.search(q, 10)) if (truth.has(h.label)) found++;
  });
  const recall = found / (queries.length * 10);
  assert.ok(recall >= 0.98, `recall@10 ${recall}`);
});

test('HNSW: ef is set again after a load; remove hides labels; writes are atomic', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-hnsw-'));
  const rows = await encoder.embed(words(200, 3));
  const h = HnswIndex.create(64, { ef: 77 });
  h.add(
    rows,
    rows.map((_, i) => i),
  );
  const file = join(dir, 'a.hnsw');
  h.write(file);
  const loaded = HnswIndex.read(file, 64, h.params);
  assert.equal(loaded.ef, 77, 'hnswlib does not store ef; read() sets it');
  const top = loaded.search(rows[5]!, 1)[0]!;
  assert.equal(top.label, 5);
  assert.ok(Math.abs(top.score - 1) < 1e-5);
  loaded.remove([5]);
  assert.equal(loaded.count, 199);
  assert.ok(!loaded.search(rows[5]!, 10).some((x) => x.label === 5));
  // A failed write leaves the previous file as it was and no temporary behind.
  const before = readdirSync(dir);
  assert.throws(() => loaded.write(join(dir, 'missing-dir', 'b.hnsw')));
  assert.deepEqual(readdirSync(dir), before);
  assert.throws(() => HnswIndex.create(64, { m: 1 }), /m must be an integer/);
  assert.throws(() => (loaded.ef = 0), /ef must be a positive integer/);
});

async function vocabulary(dir: string, n: number): Promise<string> {
  const file = join(dir, 'v.jsonl');
  const ws = words(n * 2, 9);
  writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `C${i}`, name: ws[2 * i], synonyms: [ws[2 * i + 1]] })).join('\n') + '\n');
  return file;
}

test('term vector index: concept-level results, persisted with labels in SQLite, checked on load, incremental, crash-safe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-tvi-'));
  const store = VocabStore.open(join(dir, 'store.db'));
  await importVocabulary(store, [await vocabulary(dir, 300)], { name: 'v' });
  const idx = join(dir, 'indexes');
  const built = await TermVectorIndex.build(store, 'v', encoder, { dir: idx, batchSize: 64 });
  assert.equal(built.info.count, 600);
  const first = TermVectorIndex.fileOf(store, 'v', encoder.fingerprint)!;
  assert.ok(existsSync(first) && existsSync(`${first}.json`));

  const term = [...store.terms('v')][10]!;
  const [q] = await encoder.embed([term.text]);
  const concepts = built.searchConcepts(q!, 5);
  assert.equal(concepts[0]!.conceptId, term.conceptId);
  assert.equal(concepts[0]!.term.text, term.text);
  assert.equal(new Set(concepts.map((c) => c.conceptId)).size, concepts.length, 'each concept once');
  for (let i = 1; i < concepts.length; i++) assert.ok(concepts[i - 1]!.score >= concepts[i]!.score);

  const loaded = TermVectorIndex.load(store, 'v', encoder, { dir: idx, ef: 33 });
  assert.equal(loaded.hnsw.ef, 33);
  assert.deepEqual(
    loaded.searchConcepts(q!, 5).map((c) => c.conceptId),
    concepts.map((c) => c.conceptId),
  );

  // Another encoder: a clear error that says how to rebuild.
  assert.throws(() => TermVectorIndex.load(store, 'v', new NgramHashEncoder({ dim: 32 }), { dir: idx }), /no vector index of vocabulary "v" for encoder ngram-hash:\S+ \(it has one for ngram-hash:\S+: built with another encoder\).*normkit index build --vocab v/s);

  // Incremental remove and add, saved and read back.
  assert.equal(loaded.removeTerms([term.termId]), 1);
  await loaded.addTerms(encoder, [{ termId: 99999, conceptId: 'C0', text: 'brand new synonym', lang: 'en' }]);
  loaded.save();
  const second = TermVectorIndex.fileOf(store, 'v', encoder.fingerprint)!;
  assert.notEqual(second, first);
  assert.ok(!existsSync(first), 'the previous file is deleted after the commit');
  const reread = TermVectorIndex.load(store, 'v', encoder, { dir: idx });
  assert.equal(reread.info.count, 600);
  assert.ok(!reread.searchTerms(q!, 20).some((h) => h.term.termId === term.termId));

  // A crash between writing the new file and committing it: the previous index stays usable.
  const commit = store.commitVectorIndex.bind(store);
  store.commitVectorIndex = () => {
    throw new Error('simulated crash before commit');
  };
  reread.removeTerms([[...store.terms('v')][20]!.termId]);
  assert.throws(() => reread.save(), /simulated crash/);
  store.commitVectorIndex = commit;
  assert.equal(TermVectorIndex.fileOf(store, 'v', encoder.fingerprint), second);
  assert.equal(TermVectorIndex.load(store, 'v', encoder, { dir: idx }).info.count, 600);
  assert.deepEqual(readdirSync(join(idx, 'v')).sort(), [`${second.split('/').pop()}`, `${second.split('/').pop()}.json`].sort());

  // An index whose header names another version of the vocabulary is refused, with the fix.
  const row = store.vectorIndex('v', encoder.fingerprint)!;
  const header = JSON.parse(row.header) as Record<string, unknown>;
  const stale = JSON.stringify({ ...header, vocabularyChecksum: 'sha256:0000', vocabularyImportedAt: '2020-01-01T00:00:00.000Z' });
  store.commitVectorIndex('v', encoder.fingerprint, row.file, stale, store.vectorLabels(row.id).map((l) => [l.label, l.termId] as const));
  assert.throws(() => TermVectorIndex.load(store, 'v', encoder, { dir: idx }), /built for vocabulary "v" imported 2020-01-01.*normkit index build --vocab v/s);
  // Re-importing the vocabulary drops its vector indexes with it: rebuild.
  writeFileSync(join(dir, 'v2.jsonl'), JSON.stringify({ id: 'X', name: 'something else' }) + '\n');
  await importVocabulary(store, [join(dir, 'v2.jsonl')], { name: 'v', force: true });
  assert.throws(() => TermVectorIndex.load(store, 'v', encoder, { dir: idx }), /no vector index of vocabulary "v".*normkit index build --vocab v/s);
  store.close();
});

test('search pool: worker threads give the same hits as a search on the main thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-pool-'));
  const rows = await encoder.embed(words(800, 5));
  const h = HnswIndex.create(64);
  h.add(
    rows,
    rows.map((_, i) => i + 1000),
  );
  h.remove([1003]);
  const file = join(dir, 'p.hnsw');
  h.write(file);
  const queries = await encoder.embed(words(37, 6));
  const batch = new Float32Array(37 * 64);
  queries.forEach((q, i) => batch.set(q, i * 64));
  const pool = await SearchPool.open({ file, dim: 64, params: h.params, removed: h.removedCount }, 2);
  try {
    assert.equal(pool.size, 2);
    const got = await pool.search(batch, 7);
    assert.equal(got.length, 37);
    got.forEach((hits, i) => {
      const want = h.search(queries[i]!, 7);
      assert.deepEqual(
        hits.map((x) => x.label),
        want.map((x) => x.label),
      );
    });
    assert.ok(!got.flat().some((x) => x.label === 1003));
    await assert.rejects(pool.search(new Float32Array(10), 3), /not a multiple of dim/);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.search(batch, 1), /closed/);
});

test('CLI: index build with the built-in encoder, and HNSW parameters validated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-idxcli-'));
  const vocab = join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl');
  assert.equal(runCli(['vocab', 'import', vocab, '--name', 'cond'], dir).status, 0);
  const r = runCli(['index', 'build', '--vocab', 'cond', '--m', '8', '--ef', '40', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { count: number; params: { m: number; ef: number }; file: string };
  assert.ok(out.count > 200);
  assert.equal(out.params.m, 8);
  assert.equal(out.params.ef, 40);
  assert.ok(existsSync(out.file));
  const bad = runCli(['index', 'build', '--vocab', 'cond', '--m', '0'], dir);
  assert.equal(bad.status, 2);
  const missing = runCli(['index', 'build', '--vocab', 'nope'], dir);
  assert.equal(missing.status, 4);
});

test("docs/vector-index.md's library example runs", (t) => {
  const doc = readFileSync(join(ROOT, 'docs', 'vector-index.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block);
  const dir = mkdtempSync(join(tmpdir(), 'normkit-vdoc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = VocabStore.open(join(dir, 'normkit.db'));
  return importVocabulary(store, [join(ROOT, 'data', 'demo', 'conditions.jsonl')], { name: 'conditions' }).then(() => {
    store.close();
    const stdout = runDocExample(t, block, { dir, replace: { './indexes': join(dir, 'indexes') } });
    assert.match(stdout, /conceptId: 'I21\.9'/, 'the misspelt heart attack finds myocardial infarction');
  });
});

test('a process killed mid-build (while embedding, or after writing the file but before the commit) leaves the previous index loadable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normkit-vkill-'));
  const dbPath = join(dir, 'store.db');
  const store = VocabStore.open(dbPath);
  await importVocabulary(store, [await vocabulary(dir, 200)], { name: 'v' });
  const idx = join(dir, 'indexes');
  const enc = new NgramHashEncoder({ dim: 64 });
  await TermVectorIndex.build(store, 'v', enc, { dir: idx });
  const file = TermVectorIndex.fileOf(store, 'v', enc.fingerprint);
  store.close();
  for (const when of ['embedding', 'commit']) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/crash-vector.ts'), dbPath, idx, when], { encoding: 'utf8', cwd: ROOT });
    assert.equal(child.signal, 'SIGKILL', `${when}: ${child.stdout}${child.stderr}`);
    assert.match(child.stdout, /killing/);
    const reopened = VocabStore.open(dbPath);
    assert.equal(TermVectorIndex.fileOf(reopened, 'v', enc.fingerprint), file, `${when}: the store still names the previous index`);
    const loaded = TermVectorIndex.load(reopened, 'v', enc, { dir: idx });
    assert.equal(loaded.info.count, 400);
    const [q] = await enc.embed([[...reopened.terms('v')][3]!.text]);
    assert.equal(loaded.searchTerms(q!, 1)[0]!.term.termId, [...reopened.terms('v')][3]!.termId);
    reopened.close();
  }
});
