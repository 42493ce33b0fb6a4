import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../src/core/errors.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { tempDir } from './helpers/tmp.js';

function setup(t: TestContext): { store: VocabStore; dir: string } {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  return { store, dir };
}

const jsonl = (rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

const GOOD = [
  { id: 'I21', name: 'Acute myocardial infarction (category)', types: ['category'] },
  {
    id: 'I21.9',
    name: 'Acute myocardial infarction',
    synonyms: ['heart attack', 'MI'],
    terms: [{ text: 'infarto agudo de miocardio', lang: 'es' }],
    parents: ['I21'],
    types: ['disease'],
    codes: ['I21.9', 'I219'],
    xrefs: ['MESH:D009203'],
    description: 'Death of heart muscle.',
    lang: 'en',
  },
];

async function rejects(store: VocabStore, file: string, pattern: RegExp, options = {}): Promise<InputError> {
  let caught: unknown;
  await importVocabulary(store, [file], { format: 'jsonl', ...options }).catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof InputError, `expected InputError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

test('canonical JSONL imports every field', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'cond.jsonl');
  writeFileSync(file, jsonl(GOOD));
  const r = await importVocabulary(store, [file]);
  assert.equal(r.vocabulary.name, 'cond');
  assert.equal(r.vocabulary.format, 'jsonl');
  assert.match(r.vocabulary.checksum, /^sha256:[0-9a-f]{64}$/);
  const c = store.concept('cond', 'I21.9');
  assert.deepEqual(
    c.terms.map((x) => `${x.lang}:${x.kind}:${x.text}`),
    ['en:preferred:Acute myocardial infarction', 'en:alt:heart attack', 'en:alt:MI', 'es:alt:infarto agudo de miocardio', 'en:code:I21.9', 'en:code:I219'],
  );
  assert.deepEqual(c.parents, [{ id: 'I21', name: 'Acute myocardial infarction (category)' }]);
  assert.deepEqual(c.xrefs, ['MESH:D009203']);
  assert.equal(c.description, 'Death of heart muscle.');
  assert.deepEqual(store.concept('cond', 'I21').children.map((x) => x.id), ['I21.9']);
  assert.deepEqual(store.lookupNorm('cond', 'heart attack').map((x) => x.id), ['I21.9']);
});

test('malformed JSON names file and line; --skip-invalid imports the rest and counts', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, jsonl([GOOD[0], '{"id": "x", "name": ', GOOD[1], '42']));
  await rejects(store, file, /v\.jsonl:2: not valid JSON[\s\S]*v\.jsonl:4: expected a JSON object, got number/);
  const r = await importVocabulary(store, [file], { skipInvalid: true });
  assert.equal(r.vocabulary.concepts, 2);
  assert.deepEqual(r.report.skipped, { 'malformed-json': 1, 'not-an-object': 1 });
  assert.equal(r.report.files[0]!.rows, 4);
});

test('schema errors name the field: empty name, unknown field, bad language, wrong type', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(
    file,
    jsonl([
      { id: 'a', name: '  ' },
      { id: 'b', name: 'B', synonym: ['typo in field name'] },
      { id: 'c', name: 'C', terms: [{ text: 'x', lang: 'English' }] },
      { id: 'd', name: 'D', synonyms: 'not a list' },
      { id: 'e', name: 'E', synonyms: ['ok', ''] },
    ]),
  );
  const err = await rejects(store, file, /5 problems/);
  assert.deepEqual(
    err.problems.map((p) => [p.line, p.field, p.reason]),
    [
      [1, 'name', 'empty-name'],
      [2, 'synonym', 'unknown-field'],
      [3, 'terms[0].lang', 'invalid-field'],
      [4, 'synonyms', 'invalid-field'],
      [5, 'synonyms[1]', 'empty-text'],
    ],
  );
});

test('duplicate ids, unknown parents and cycles are rejected with their lines', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(
    file,
    jsonl([
      { id: 'a', name: 'A', parents: ['b'] },
      { id: 'b', name: 'B', parents: ['a'] },
      { id: 'a', name: 'A twice' },
      { id: 'c', name: 'C', parents: ['nowhere'] },
    ]),
  );
  const err = await rejects(store, file, /3 problems/);
  assert.deepEqual(err.problems.map((p) => [p.line, p.reason]).sort(), [
    [2, 'parent-cycle'],
    [3, 'duplicate-id'],
    [4, 'unknown-parent'],
  ].sort());
});

test('oversized lines and invalid UTF-8 are located; the limit is configurable', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  const big = JSON.stringify({ id: 'big', name: 'B', description: 'x'.repeat(3000) });
  writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(GOOD[0])}\n${big}\n`), Buffer.from('{"id":"u","name":"caf\xe9"}\n', 'latin1')]));
  await rejects(store, file, /v\.jsonl:2: line is \d+ bytes, over the limit of 1000 bytes[\s\S]*v\.jsonl:3: invalid UTF-8/, { maxLineBytes: 1000 });
  const r = await importVocabulary(store, [file], { maxLineBytes: 10_000, skipInvalid: true });
  assert.equal(r.vocabulary.concepts, 2);
  assert.deepEqual(r.report.skipped, { 'invalid-utf8': 1 });
});

test('wrong file types are named: gzip, JSON array, binary, unknown format', async (t) => {
  const { store, dir } = setup(t);
  const gz = join(dir, 'v.jsonl.gz');
  writeFileSync(gz, gzipSync(jsonl(GOOD)));
  await rejects(store, gz, /v\.jsonl\.gz: this is a gzip archive, not canonical vocabulary JSONL/);
  const arr = join(dir, 'arr.jsonl');
  writeFileSync(arr, JSON.stringify(GOOD, null, 2));
  await rejects(store, arr, /arr\.jsonl: expected JSONL \(one JSON object per line\) but this looks like a JSON array/);
  const txt = join(dir, 'notes.txt');
  writeFileSync(txt, 'just some text\n');
  await assert.rejects(importVocabulary(store, [txt]), /notes\.txt: cannot tell the vocabulary format[\s\S]*Pass --format/);
  // Without --format, detection names what it saw.
  await assert.rejects(importVocabulary(store, [gz]), /v\.jsonl\.gz: cannot tell the vocabulary format from the content: this is a gzip archive: unpack it first/);
  await assert.rejects(importVocabulary(store, [arr]), /arr\.jsonl: cannot tell the vocabulary format from the content: this is a JSON array: write one concept per line \(JSONL/);
  await assert.rejects(importVocabulary(store, [join(dir, 'missing.jsonl')]), /missing\.jsonl: no such file/);
});

test('a failed re-import leaves the previous version intact', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, jsonl(GOOD));
  await importVocabulary(store, [file], { name: 'v' });
  const before = store.vocabulary('v');
  writeFileSync(file, jsonl([...GOOD, { id: 'bad', name: '' }]));
  await assert.rejects(importVocabulary(store, [file], { name: 'v' }), InputError);
  const after = store.vocabulary('v');
  assert.equal(after.checksum, before.checksum);
  assert.equal(after.concepts, 2);
  assert.equal(store.concept('v', 'I21.9').name, 'Acute myocardial infarction');
});

test('re-importing replaces the vocabulary atomically, and a failure inside the write rolls back', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, jsonl(GOOD));
  await importVocabulary(store, [file], { name: 'v' });
  const v2 = Array.from({ length: 500 }, (_, i) => ({ id: `n${i}`, name: `new concept ${i}` }));
  writeFileSync(file, jsonl(v2));
  await assert.rejects(
    importVocabulary(store, [file], {
      name: 'v',
      onWrite: (n) => {
        if (n >= 300) throw new Error('disk full (simulated)');
      },
    }),
    /disk full/,
  );
  assert.equal(store.vocabulary('v').concepts, 2, 'old version still there after the rollback');
  const r = await importVocabulary(store, [file], { name: 'v' });
  assert.equal(r.vocabulary.concepts, 500);
  assert.throws(() => store.concept('v', 'I21.9'), /no concept "I21.9"/);
});

test('vocabulary names are checked', async (t) => {
  const { store, dir } = setup(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, jsonl(GOOD));
  await assert.rejects(importVocabulary(store, [file], { name: '../etc' }), /invalid vocabulary name "\.\.\/etc"/);
});
