/**
 * Learned lexicons (src/lexicon/align.ts, src/lexicon/learn.ts, `normkit lexicon learn`):
 * word translations fitted on parallel texts — a vocabulary's own translations and labeled
 * examples — and used by the translate stage like any other lexicon.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { alignWords } from '../src/lexicon/align.js';
import { learnLexicon } from '../src/lexicon/learn.js';
import { LexiconStore } from '../src/lexicon/store.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

/** Spanish clinical phrases with the English names they were coded to. */
const PARALLEL = [
  ['insuficiencia renal aguda', 'acute renal failure'],
  ['insuficiencia cardiaca', 'heart failure'],
  ['insuficiencia respiratoria', 'respiratory failure'],
  ['enfermedad renal crónica', 'chronic kidney disease'],
  ['enfermedad cardiaca', 'heart disease'],
  ['dolor crónico', 'chronic pain'],
  ['dolor de pecho', 'chest pain'],
  ['dolor abdominal', 'abdominal pain'],
].map(([source, target]) => ({ source: source!, target: target! }));

test('alignWords: IBM Model 1 both ways finds each word\'s translation from phrases alone, best first; stop words left out', () => {
  const words = alignWords(PARALLEL, { from: 'es', to: 'en' });
  const best = (w: string): string | undefined => words.find((p) => p.source === w && p.rank === 1)?.target;
  assert.equal(best('insuficiencia'), 'failure');
  assert.equal(best('dolor'), 'pain');
  assert.equal(best('enfermedad'), 'disease');
  assert.equal(best('cardiaca'), 'heart');
  assert.equal(best('cronico'), 'chronic', 'folded like every headword');
  assert.equal(words.some((p) => p.source === 'de'), false, '"de" is a Spanish stop word');
  for (const p of words) assert.ok(p.score >= 0.1 && p.score <= 1, `${p.source} → ${p.target}: ${p.score}`);
  // Ranks count from 1 per source word, by falling score.
  const dolor = words.filter((p) => p.source === 'dolor');
  assert.deepEqual(dolor.map((p) => p.rank), dolor.map((_, i) => i + 1));
  assert.ok(dolor.every((p, i) => i === 0 || p.score <= dolor[i - 1]!.score));
  // A higher floor keeps fewer pairs, never more.
  assert.ok(alignWords(PARALLEL, { from: 'es', to: 'en', minScore: 0.5 }).length < words.length);
});

/** ICD-10-CM-like concepts with English names only, for the examples path. */
function writeConditions(dir: string): string {
  const file = join(dir, 'conditions.jsonl');
  const concepts = [
    ['N17.9', 'Acute renal failure'],
    ['I50.9', 'Heart failure'],
    ['J96.9', 'Respiratory failure'],
    ['N18.9', 'Chronic kidney disease'],
    ['G89.29', 'Chronic pain'],
    ['R07.9', 'Chest pain'],
    ['R10.9', 'Abdominal pain'],
    ['I51.9', 'Heart disease'],
  ];
  writeFileSync(file, concepts.map(([id, name]) => JSON.stringify({ id, name })).join('\n') + '\n');
  return file;
}

/** PARALLEL as labeled examples of those concepts, less "enfermedad cardiaca" (heart disease), which no example shows. */
const EXAMPLES = [
  ['insuficiencia renal aguda', 'N17.9'],
  ['insuficiencia cardiaca', 'I50.9'],
  ['insuficiencia respiratoria', 'J96.9'],
  ['enfermedad renal crónica', 'N18.9'],
  ['dolor crónico', 'G89.29'],
  ['dolor de pecho', 'R07.9'],
  ['dolor abdominal', 'R10.9'],
].map(([text, id]) => ({ text: text!, gold: [id!] }));

test('learnLexicon: from a vocabulary\'s translations and from labeled examples; unusable examples counted; nothing to learn is a clear error', async (t) => {
  const dir = tempDir(t);
  const store = VocabStore.open(join(dir, 'store.db'));
  t.after(() => store.close());
  // The demo conditions have German and English terms of the same concepts.
  await importVocabulary(store, [join(import.meta.dirname, '..', 'data', 'demo', 'conditions.jsonl')], { name: 'cond' });
  const fromVocab = learnLexicon(store, 'cond', { from: 'de', to: 'en' });
  assert.equal(fromVocab.meta.name, 'cond-learned-de-en');
  assert.equal(fromVocab.meta.format, 'learned');
  assert.ok(fromVocab.texts.translations > 10);
  assert.ok(fromVocab.pairs.length > 10);

  await importVocabulary(store, [writeConditions(dir)], { name: 'icd' });
  const examples = [...EXAMPLES, { text: 'algo', gold: ['X99'] }];
  const learned = learnLexicon(store, 'icd', { from: 'es', to: 'en', examples });
  assert.deepEqual(learned.texts, { translations: 0, examples: 7, unusedExamples: 1 });
  assert.equal(learned.pairs.find((p) => p.source === 'dolor' && p.rank === 1)?.target, 'pain');
  assert.notEqual(learnLexicon(store, 'icd', { from: 'es', to: 'en', examples: examples.slice(1) }).meta.checksum, learned.meta.checksum, 'the checksum (the tables\' cache key) follows the examples');
  assert.throws(
    () => learnLexicon(store, 'icd', { from: 'es', to: 'en', examples: [{ text: 'algo', gold: ['X99'] }] }),
    (e: unknown) => e instanceof InputError && /nothing to learn from/.test(e.message),
  );
});

test('normkit lexicon learn --pairs: the learned words translate a Spanish query the general dictionaries cannot; bad pairs are located', async (t) => {
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const vocab = writeConditions(dir);
  assert.equal(runCli(['vocab', 'import', vocab, '--name', 'icd'], dataDir).status, 0);
  const pairs = join(dir, 'pairs.jsonl');
  writeFileSync(pairs, EXAMPLES.map((e, i) => JSON.stringify({ qid: String(i + 1), ...e })).join('\n') + '\n');
  const learned = runCli(['lexicon', 'learn', '--vocab', 'icd', '--from', 'es', '--pairs', pairs, '--json'], dataDir);
  assert.equal(learned.status, 0, learned.stderr);
  const out = JSON.parse(learned.stdout) as { lexicon: { name: string; from: string; to: string; entries: number }; texts: { examples: number } };
  assert.deepEqual([out.lexicon.name, out.lexicon.from, out.lexicon.to, out.texts.examples], ['icd-learned-es-en', 'es', 'en', 7]);
  assert.ok(out.lexicon.entries > 5);

  // "enfermedad cardiaca" (heart disease) is in no example: its words are, in others.
  const store = VocabStore.open(join(dataDir, 'normkit.db'));
  t.after(() => store.close());
  const lexicons = new LexiconStore(store);
  assert.ok(lexicons.has('icd-learned-es-en'));
  const linker = await Linker.build(store, 'icd', preset('medical-crosslingual'), { cacheDir: join(dir, 'cache') });
  const r = await linker.link('enfermedad cardiaca', 3, { lang: 'es' });
  await linker.close();
  assert.equal(r.candidates[0]?.conceptId, 'I51.9');
  assert.equal(r.translation?.text, 'disease heart');
  lexicons.remove('icd-learned-es-en');
  const without = await Linker.build(store, 'icd', preset('medical-crosslingual'), { cacheDir: join(dir, 'cache') });
  assert.notEqual((await without.link('enfermedad cardiaca', 3, { lang: 'es' })).candidates[0]?.conceptId, 'I51.9', 'without the learned lexicon the query is not found');
  await without.close();

  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"qid":"1","text":"dolor","gold":["R07.9"]}\n{"qid":"2","gold":["R10.9"]}\n');
  const refused = runCli(['lexicon', 'learn', '--vocab', 'icd', '--from', 'es', '--pairs', bad], dataDir);
  assert.equal(refused.status, 3);
  assert.match(refused.stderr, /bad\.jsonl:2 \(field "text"\)/);
  const noVocab = runCli(['lexicon', 'learn', '--vocab', 'nope', '--from', 'es', '--pairs', pairs], dataDir);
  assert.notEqual(noVocab.status, 0);
  assert.match(noVocab.stderr, /nope/);
});
