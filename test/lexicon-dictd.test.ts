/**
 * The dictd reader on hand-written dictionaries in FreeDict's real layouts: the index's
 * base64 offsets, dictzip data, the classic, Ding and WikDict entry layouts, the
 * 00database meta entries, and located errors for a broken index.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { dictdNumber, readDictd } from '../src/lexicon/dictd.js';
import { writeDictd } from './helpers/dictd.js';

const dir = mkdtempSync(join(tmpdir(), 'normkit-dictd-'));

test('dictd numbers are base64, most significant digit first', () => {
  assert.equal(dictdNumber('B'), 1);
  assert.equal(dictdNumber('BO'), 78);
  assert.equal(dictdNumber('GHAt'), 6 * 64 ** 3 + 7 * 64 ** 2 + 0 * 64 + 45);
  assert.ok(Number.isNaN(dictdNumber('A-')));
});

test('classic FreeDict entries: one line of translations or numbered senses; meta entries read', () => {
  const { index, dict } = writeDictd(dir, 'freedict-fra-eng', [
    ['00databaseshort', '00databaseshort\n     French-English FreeDict Dictionary ver. 0.4.1\n'],
    ['00databaseinfo', '00databaseinfo\n     Edition: 0.4.1\n     License: GNU General Public License version 2 or later\n'],
    ['médecin', 'médecin /medsɛ̃/ <n, masc>\ndoctor, physician\n'],
    ['avocat', 'avocat /avoka/ <n, masc>\n1. advocate\n2. barrister, barrister-at-law, counsel\n'],
  ]);
  const d = readDictd(index, dict);
  assert.equal(d.description, 'French-English FreeDict Dictionary ver. 0.4.1');
  assert.match(d.info, /General Public License/);
  const byHead = new Map(d.entries.map((e) => [e.headword, e.senses]));
  assert.deepEqual(byHead.get('médecin'), [['doctor', 'physician']]);
  assert.deepEqual(byHead.get('avocat'), [['advocate'], ['barrister', 'barrister-at-law', 'counsel']]);
  assert.equal(d.entries.length, 2, 'meta entries are not headwords');
});

test('Ding entries: the translations line with its tags and labels; examples, synonyms and see lines skipped', () => {
  const { index, dict } = writeDictd(dir, 'freedict-deu-eng', [
    ['00databaseshort', '00databaseshort\n     German - English Ding/FreeDict dictionary ver. 1.9-fd1\n'],
    ['arzt', 'Arzt /ˈaɾtst/ <masc, n, sg>\nmedical doctor <n>, doctor <n>, medic <n> [coll.] , physician <n>\n      "Arzt im Praktikum (AiP)"  - foundation house officer\n   Synonym: {Doktor}\n see: {Ärzte}, {Ärztin}\n'],
  ]);
  const d = readDictd(index, dict);
  assert.deepEqual(d.entries, [{ headword: 'Arzt', senses: [['medical doctor', 'doctor', 'medic', 'physician']] }]);
});

test('WikDict entries: numbered senses, the gloss line after each skipped; stress accents removed', () => {
  const { index, dict } = writeDictd(dir, 'freedict-pol-eng', [
    ['00databaseshort', '00databaseshort\n     Polish-English WikDict dictionary ver. 2022.11.18\n'],
    ['zamek', 'zamek /ˈzãmɛk/ <n>\n1. castle, palace\n(architektura) budynek warowny;\n2. fastener, zip, zipper\n(technika) urządzenie do zamykania;\n'],
    ['pest', 'pest //pɛst// <n>\n1. до́садник\nannoying person\n'],
  ]);
  const d = readDictd(index, dict);
  const byHead = new Map(d.entries.map((e) => [e.headword, e.senses]));
  assert.deepEqual(byHead.get('zamek'), [['castle', 'palace'], ['fastener', 'zip', 'zipper']]);
  assert.deepEqual(byHead.get('pest'), [['досадник']]);
});

test('a broken index is located: file and line of each bad line, entries past the data', () => {
  const { index, dict } = writeDictd(dir, 'freedict-bad-eng', [['haus', 'Haus\nhouse\n']]);
  writeFileSync(index, 'haus\tA\tK\nkaputt\tnot-a-number\nweit\tZZZZ\tB\n');
  assert.throws(
    () => readDictd(index, dict),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.deepEqual(err.problems.map((p) => [p.line, p.reason]), [[2, 'malformed-index-line'], [3, 'offset-out-of-range']]);
      assert.ok(err.problems.every((p) => p.file === index));
      return true;
    },
  );
  const missing = join(dir, 'missing.index');
  assert.throws(() => readDictd(missing, dict), (err: unknown) => err instanceof InputError && err.problems[0]!.reason === 'unreadable' && err.problems[0]!.file === missing && /cannot read dictionary index/.test(err.message));
  writeFileSync(dict, 'not gzip');
  assert.throws(() => readDictd(index, dict), (err: unknown) => err instanceof InputError && err.problems[0]!.reason === 'malformed-dictzip' && err.problems[0]!.file === dict);
});
