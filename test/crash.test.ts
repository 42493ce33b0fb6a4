import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

test('a process killed mid-import leaves the previous version intact and the store usable', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'normkit.db');
  const v1 = join(dir, 'v1.jsonl');
  writeFileSync(v1, Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `old${i}`, name: `old concept ${i}`, synonyms: [`old ${i}`] })).join('\n'));
  const store = VocabStore.open(dbPath);
  await importVocabulary(store, [v1], { name: 'vocab' });
  const before = store.vocabulary('vocab');
  store.close();

  const v2 = join(dir, 'v2.jsonl');
  writeFileSync(v2, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `new${i}`, name: `new concept ${i}`, synonyms: [`n${i}`, `nn${i}`] })).join('\n'));
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/crash-import.ts'), dbPath, v2, 'vocab', '2000'], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  assert.equal(child.signal, 'SIGKILL', `child should have been killed: ${child.stdout}${child.stderr}`);
  assert.match(child.stdout, /killing at 2000/);

  const integrity = new Database(dbPath).pragma('integrity_check', { simple: true });
  assert.equal(integrity, 'ok');
  const reopened = VocabStore.open(dbPath);
  t.after(() => reopened.close());
  const after = reopened.vocabulary('vocab');
  assert.equal(after.concepts, 50);
  assert.equal(after.checksum, before.checksum);
  assert.equal(reopened.concept('vocab', 'old7').name, 'old concept 7');
  assert.throws(() => reopened.concept('vocab', 'new1'), /no concept "new1"/);

  // And the store takes the new version once an import completes.
  const r = await importVocabulary(reopened, [v2], { name: 'vocab' });
  assert.equal(r.vocabulary.concepts, 5000);
});
