/**
 * An import must not silently empty or gut a vocabulary: a result of 0 concepts needs
 * allowEmpty (--allow-empty), a loss of more than maxLoss (default 50%) of the concepts needs
 * force (--force); a refused import writes nothing. Library, CLI and the HTTP admin import.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { storePath } from '../src/core/data-dir.js';
import { VocabStore } from '../src/store/store.js';
import { checkConceptLoss, importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { call, startTestServer } from './helpers/server.js';
import { createApiKey } from '../src/server/api-keys.js';
import { tempDir } from './helpers/tmp.js';

const concepts = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `C${i + 1}`, name: `condition number ${i + 1}` })).join('\n') + '\n';

function setup(t: { after(fn: () => void): void }): { dir: string; store: VocabStore; file: (name: string, text: string) => string } {
  const dir = tempDir(t);
  const store = VocabStore.open(storePath(join(dir, 'data')));
  t.after(() => store.close());
  const file = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  return { dir, store, file };
}

describe('importVocabulary refuses to empty or gut a vocabulary', () => {
  it('an empty file does not replace a vocabulary unless allowEmpty', async (t) => {
    const { store, file } = setup(t);
    await importVocabulary(store, [file('cond.jsonl', concepts(10))], { format: 'jsonl', name: 'cond' });
    const empty = file('empty.jsonl', '\n');
    await assert.rejects(importVocabulary(store, [empty], { format: 'jsonl', name: 'cond' }), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.problems[0]!.reason, 'empty-vocabulary');
      assert.match(err.message, /empty\.jsonl: no concepts read: this import would leave vocabulary "cond" with 0 concepts \(it has 10 now\)/);
      assert.match(err.message, /Nothing was written.*--allow-empty/);
      return true;
    });
    assert.equal(store.vocabulary('cond').concepts, 10);
    await importVocabulary(store, [empty], { format: 'jsonl', name: 'cond', allowEmpty: true });
    assert.equal(store.vocabulary('cond').concepts, 0);
  });

  it('a new vocabulary with no concepts is refused too', async (t) => {
    const { store, file } = setup(t);
    await assert.rejects(importVocabulary(store, [file('new.jsonl', '')], { format: 'jsonl', name: 'fresh' }), /leave vocabulary "fresh" with 0 concepts/);
    assert.equal(store.hasVocabulary('fresh'), false);
  });

  it('losing more than maxLoss (default 50%) of the concepts needs force', async (t) => {
    const { store, file } = setup(t);
    await importVocabulary(store, [file('cond.jsonl', concepts(10))], { format: 'jsonl', name: 'cond' });
    const four = file('four.jsonl', concepts(4));
    await assert.rejects(importVocabulary(store, [four], { format: 'jsonl', name: 'cond' }), /would drop 6 of the 10 concepts of vocabulary "cond" \(60%, more than the 50% allowed\)[\s\S]*--force/);
    assert.equal(store.vocabulary('cond').concepts, 10);
    await assert.rejects(importVocabulary(store, [file('six.jsonl', concepts(6))], { format: 'jsonl', name: 'cond', maxLoss: 0.3 }), /more than the 30% allowed/);
    await importVocabulary(store, [file('six.jsonl', concepts(6))], { format: 'jsonl', name: 'cond' });
    assert.equal(store.vocabulary('cond').concepts, 6);
    await importVocabulary(store, [four], { format: 'jsonl', name: 'cond', maxLoss: 0.5 });
    await importVocabulary(store, [file('one.jsonl', concepts(1))], { format: 'jsonl', name: 'cond', force: true });
    assert.equal(store.vocabulary('cond').concepts, 1);
  });

  it('the rule itself: growth is always fine, force accepts an empty result', () => {
    assert.doesNotThrow(() => checkConceptLoss('v', ['f'], 3, 300));
    assert.doesNotThrow(() => checkConceptLoss('v', ['f'], undefined, 1));
    assert.doesNotThrow(() => checkConceptLoss('v', ['f'], 10, 0, { force: true }));
    assert.doesNotThrow(() => checkConceptLoss('v', ['f'], 10, 10, { maxLoss: 0 }));
    assert.throws(() => checkConceptLoss('v', ['f'], 10, 9, { maxLoss: 0 }), /10%, more than the 0% allowed/);
  });
});

test('CLI: vocab import of an empty file exits 3 and keeps the vocabulary; --allow-empty and --force say so', (t) => {
  const { dir, file } = setup(t);
  const data = join(dir, 'cli-data');
  assert.equal(runCli(['vocab', 'import', file('cond.jsonl', concepts(10)), '--format', 'jsonl', '--name', 'cond'], data).status, 0);
  const empty = file('empty.jsonl', '');
  const refused = runCli(['vocab', 'import', empty, '--format', 'jsonl', '--name', 'cond'], data);
  assert.equal(refused.status, 3, refused.stderr);
  assert.match(refused.stderr, /would leave vocabulary "cond" with 0 concepts \(it has 10 now\)/);
  assert.doesNotMatch(refused.stderr, /internal error|\n\s+at /);
  const list = JSON.parse(runCli(['vocab', 'list', '--json'], data).stdout) as Array<{ name: string; concepts: number }>;
  assert.equal(list.find((v) => v.name === 'cond')?.concepts, 10);
  const shrink = runCli(['vocab', 'import', file('two.jsonl', concepts(2)), '--format', 'jsonl', '--name', 'cond', '--max-loss', '0.9'], data);
  assert.equal(shrink.status, 0, shrink.stderr);
  assert.equal(runCli(['vocab', 'import', empty, '--format', 'jsonl', '--name', 'cond', '--allow-empty'], data).status, 0);
});

test('HTTP: an import of empty content fails its job and the previous version stays served', async (t) => {
  const { dir, file } = setup(t);
  const data = join(dir, 'serve-data');
  assert.equal(runCli(['vocab', 'import', file('cond.jsonl', concepts(10)), '--format', 'jsonl', '--name', 'cond'], data).status, 0);
  const server = await startTestServer({ dataDir: data, config: { vocabularies: [{ name: 'cond', preset: 'lexical' }] } });
  t.after(() => server.stop());
  const admin = { authorization: `Bearer ${createApiKey(server.service.state, 'ops', 'admin').key}` };
  const waitJob = async (id: string): Promise<{ state: string; error?: string }> => {
    for (;;) {
      const r = await call(server.url, 'GET', `/v1/admin/jobs/${id}?wait=30000`, undefined, admin);
      if (r.body.finishedAt) return r.body;
    }
  };
  const r = await call(server.url, 'POST', '/v1/admin/vocabularies/cond/import', { content: '\n' }, admin);
  assert.equal(r.status, 202);
  const failed = await waitJob(r.body.job.id);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error ?? '', /0 concepts \(it has 10 now\)[\s\S]*"allowEmpty": true/);
  const served = (await call(server.url, 'GET', '/v1/vocabularies')).body.vocabularies.find((v: { name: string }) => v.name === 'cond');
  assert.equal(served.concepts, 10);

  const bad = await call(server.url, 'POST', '/v1/admin/vocabularies/cond/import', { content: concepts(2), maxLoss: 2 }, admin);
  assert.equal(bad.status, 400);
  const forced = await call(server.url, 'POST', '/v1/admin/vocabularies/cond/import', { content: concepts(2), force: true }, admin);
  const done = await waitJob(forced.body.job.id);
  assert.equal(done.state, 'succeeded', done.error);
  assert.equal((await call(server.url, 'GET', '/v1/vocabularies')).body.vocabularies.find((v: { name: string }) => v.name === 'cond').concepts, 2);
});
