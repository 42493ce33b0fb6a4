/**
 * The limits of src/core/limits.ts where users meet them: `--k` out of range is a usage
 * error naming the option, a text longer than MAX_QUERY_CHARS is cut (the result says so),
 * and a command line long enough to overflow onnxruntime's start-up parser still links.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_K, MAX_QUERY_CHARS } from '../src/core/limits.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { Linker } from '../src/pipeline/linker.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { writeTinyBert } from './helpers/tiny-bert.js';
import { tempDir } from './helpers/tmp.js';

const OCCUPATIONS = join(import.meta.dirname, '..', 'data', 'demo', 'occupations.jsonl');
const LONG = 'senior java developer '.repeat(1400).slice(0, 30_000);

test('--k out of range is a usage error that names --k (exit 2), never an internal error', (t) => {
  const dir = tempDir(t);
  for (const k of ['99999999999999999999', '0', String(MAX_K + 1), '2.5', '1e3']) {
    const r = runCli(['link', 'occ', 'java developer', '--k', k], dir);
    assert.equal(r.status, 2, `--k ${k}: ${r.stderr}`);
    assert.match(r.stderr, /--k must be a whole number from 1 to 1000/);
    assert.doesNotMatch(r.stderr, /internal error/);
  }
});

test('Linker.link cuts a text longer than MAX_QUERY_CHARS and says so; k is checked', async (t) => {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  await importVocabulary(store, [OCCUPATIONS], { name: 'occ' });
  const linker = await Linker.build(store, 'occ', parsePipeline({ name: 'lex', normalize: { pack: 'jobs' }, generators: [{ type: 'lexical' }] }), { cacheDir: join(dir, 'indexes') });
  t.after(() => linker.close());
  const long = await linker.link(LONG, 3);
  assert.deepEqual(long.truncated, { chars: LONG.length, kept: MAX_QUERY_CHARS });
  assert.equal(long.input.length, MAX_QUERY_CHARS);
  assert.ok(long.candidates.length > 0);
  const short = await linker.link('senior java developer', 3);
  assert.equal(short.truncated, undefined);
  await assert.rejects(linker.link('java', 1e20), /k must be a whole number from 1 to 1000/);
});

test('CLI: a 30,000-character text with an ONNX encoder links (cut, noted), no SIGSEGV', (t) => {
  const dir = tempDir(t);
  assert.equal(runCli(['vocab', 'import', OCCUPATIONS, '--name', 'occ'], dir).status, 0);
  const model = writeTinyBert(join(dir, 'tiny-bert'));
  const pipeline = join(dir, 'dense.yaml');
  writeFileSync(pipeline, `name: dense\nnormalize: { pack: jobs }\ngenerators:\n  - type: lexical\n  - type: dense\n    model: ${JSON.stringify(model)}\n`);
  const r = runCli(['link', 'occ', LONG, '--pipeline', pipeline, '--k', '3', '--json'], dir);
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout) as { truncated?: { chars: number; kept: number }; candidates: unknown[] };
  assert.deepEqual(out.truncated, { chars: 30_000, kept: MAX_QUERY_CHARS });
  assert.equal(out.candidates.length, 3);
  const human = runCli(['link', 'occ', LONG, '--pipeline', pipeline, '--k', '3'], dir);
  assert.equal(human.status, 0, human.stderr.slice(-2000));
  assert.match(human.stdout, /truncated: only the first 2,000 of 30,000 characters were linked/);
});
