import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

test('normkit normalize: a text, --explain, --json', (t) => {
  const dir = tempDir(t);
  const r = runCli(['normalize', 'Sr. Java Dev (m/w/d) – remote', '--explain'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /normalized {2}Java developer/);
  assert.match(r.stdout, /attributes {2}gender_marker=\(m\/w\/d\); work_mode=remote; seniority=senior/);
  assert.match(r.stdout, /seniority\s+seniority\.senior\s+"Sr\." @0/);
  const j = JSON.parse(runCli(['normalize', 'No hx of CHF', '--pack', 'medical', '--json'], dir).stdout) as { normalized: string; attributes: Record<string, string[]>; rules: string[] };
  assert.equal(j.normalized, 'congestive heart failure');
  assert.deepEqual(j.attributes, { negated: ['No'], temporal: ['history'] });
  assert.deepEqual(j.rules, ['context.negation', 'context.history', 'abbr.chf']);
  assert.equal(runCli(['normalize'], dir).status, 2);
  assert.equal(runCli(['normalize', 'x', '--pack', 'nope'], dir).status, 3);
});

test('normkit normalize --input: JSONL and text files, atomic output, bad lines', (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'titles.jsonl');
  writeFileSync(input, [{ id: 1, text: 'Sr. Nurse (m/w/d)' }, { id: 2, text: 'Mgr' }].map((o) => JSON.stringify(o)).join('\n'));
  const out = join(dir, 'out.jsonl');
  const r = runCli(['normalize', '--input', input, '--output', out, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { lines: 2, written: 2, skipped: 0, seconds: (JSON.parse(r.stdout) as { seconds: number }).seconds, output: out });
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.map((x) => [x['id'], x['normalized']]), [[1, 'Nurse'], [2, 'manager']]);

  const text = join(dir, 'titles.txt');
  writeFileSync(text, 'Jr Dev\nHR Mgr\n');
  const plain = runCli(['normalize', '--input', text], dir);
  assert.deepEqual(plain.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { normalized: string }).normalized), ['developer', 'human resources manager']);

  writeFileSync(input, `${JSON.stringify({ text: 'ok' })}\n{broken\n${JSON.stringify({ title: 'no text field' })}\n`);
  const bad = runCli(['normalize', '--input', input, '--output', join(dir, 'bad.jsonl')], dir);
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /titles\.jsonl:2: not valid JSON/);
  assert.equal(existsSync(join(dir, 'bad.jsonl')), false, 'no half-written output');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary file left behind');
  const skipped = runCli(['normalize', '--input', input, '--output', join(dir, 'bad.jsonl'), '--skip-invalid'], dir);
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.match(skipped.stdout, /normalized 1 of 3 lines .*\(2 bad lines skipped\)/);
});

test('a linker with a rule pack resolves codes directly and keeps exact spellings first on ties', async (t) => {
  const dir = tempDir(t);
  const vocab = join(dir, 'v.jsonl');
  writeFileSync(
    vocab,
    [
      { id: 'E11.9', name: 'Type 2 diabetes mellitus without complications', codes: ['E11.9', 'E119'] },
      { id: 'I21.9', name: 'Acute myocardial infarction', synonyms: ['heart attack'] },
      { id: 'D1', name: 'Haemorrhage' },
      { id: 'D2', name: 'Hemorrhage' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n'),
  );
  const store = VocabStore.open(join(dir, 'normkit.db'));
  t.after(() => store.close());
  await importVocabulary(store, [vocab], { name: 'v' });
  const linker = await Linker.build(store, 'v', preset('medical'), { cacheDir: join(dir, 'idx') });
  const coded = (await linker.link('E119', 3));
  assert.equal(coded.candidates[0]!.conceptId, 'E11.9');
  assert.equal(coded.candidates[0]!.generator, 'code');
  assert.deepEqual(coded.codes, [{ system: 'icd10cm', code: 'E119', rule: 'code.icd10cm' }]);
  assert.equal((await linker.link('haemorrhage', 2)).candidates[0]!.conceptId, 'D1', 'both terms normalize to "hemorrhage"; the one spelled as the input wins');
  assert.equal((await linker.link('hemorrhage', 2)).candidates[0]!.conceptId, 'D2');
  const mi = (await linker.link('possible MI', 2));
  assert.equal(mi.candidates[0]!.conceptId, 'I21.9');
  assert.deepEqual(mi.attributes, { certainty: ['uncertain'] });
  assert.deepEqual(mi.rulesFired, ['context.uncertain', 'abbr.mi']);
  const lexical = await Linker.build(store, 'v', preset('lexical'));
  assert.notEqual((await lexical.link('E119', 1)).candidates[0]?.generator, 'code', 'codes are resolved only when a pack detects them');
});
