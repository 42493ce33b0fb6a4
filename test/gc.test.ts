/**
 * The build cache's garbage collection (`normkit gc`): what current builds use stays (a
 * rebuild reads it from the cache), earlier generations and removed vocabularies go.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gcCache } from '../src/pipeline/cache.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const CONCEPTS = ['{"id":"a","name":"heart attack"}', '{"id":"b","name":"diabetes"}', '{"id":"c","name":"asthma"}'];

test('gc keeps what the current builds use and removes earlier generations and removed vocabularies', async (t) => {
  const dir = tempDir(t);
  const cacheDir = join(dir, 'indexes');
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, `${CONCEPTS.join('\n')}\n`);
  await importVocabulary(store, [file], { name: 'v' });
  await importVocabulary(store, [file], { name: 'w' });
  const build = async (name: string, extra = false): Promise<Linker> => {
    const l = await Linker.build(store, name, preset('lexical'), { cacheDir, ...(extra ? { extraTerms: [{ conceptId: 'a', text: 'MI', lang: 'en' }] } : {}) });
    await l.close();
    return l;
  };
  await build('v');
  await build('v', true); // a new generation: custom synonyms
  await build('w');
  const vFiles = readdirSync(join(cacheDir, 'v')).filter((f) => f.startsWith('lexical-'));
  assert.equal(vFiles.length, 2);
  store.removeVocabulary('w');
  writeFileSync(join(cacheDir, 'v', 'lexical-0123.bin'), 'stale');

  const dry = gcCache(cacheDir, store, { dryRun: true });
  // The first generation of v, the stray file, and w's index and build record.
  assert.equal(dry.removed.length, 4, JSON.stringify(dry));
  assert.ok(existsSync(join(cacheDir, 'w')), 'a dry run removes nothing');

  const r = gcCache(cacheDir, store);
  const rel = r.removed.map((p) => p.slice(cacheDir.length + 1).replaceAll('\\', '/')).sort();
  assert.equal(rel.filter((p) => p.startsWith('v/')).length, 2);
  assert.ok(rel.includes('v/lexical-0123.bin'));
  assert.deepEqual(rel.filter((p) => p.startsWith('w/')).map((p) => p.replace(/-[0-9a-f]+\./, '-*.')), ['w/lexical-*.bin']);
  assert.equal(rel.filter((p) => p.startsWith('.builds/w/')).length, 1, 'the build record of w');
  assert.ok(!existsSync(join(cacheDir, 'w')));
  assert.deepEqual(r.kept, [{ vocabulary: 'v', pipeline: 'lexical' }]);
  assert.equal(readdirSync(join(cacheDir, 'v')).filter((f) => f.startsWith('lexical-')).length, 1);
  // The current generation is still read from the cache.
  assert.equal((await build('v', true)).fromCache, true);

  // A re-import makes the builds of the previous version stale.
  writeFileSync(file, `${CONCEPTS.slice(0, 2).join('\n')}\n`);
  await importVocabulary(store, [file], { name: 'v' });
  assert.equal(gcCache(cacheDir, store).kept.length, 0);
  assert.ok(!existsSync(join(cacheDir, 'v')));
  assert.ok(!existsSync(join(cacheDir, '.builds', 'v')));
});

test('normkit gc --dry-run --json lists what it would remove', (t) => {
  const dir = tempDir(t);
  const r = runCli(['gc', '--dry-run', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { removed: [], bytes: 0, kept: [] });
});
