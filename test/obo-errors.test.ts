/**
 * The OBO reader drops nothing silently: a malformed or unknown stanza header, an unquoted
 * definition, an unknown synonym scope, an is_obsolete that is neither true nor false and a
 * second id or name in a stanza are located problems (file, line, field).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { storePath } from '../src/core/data-dir.js';
import { InputError } from '../src/core/errors.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const HEADER = 'format-version: 1.2\nontology: x\n\n';
const GOOD = '[Term]\nid: X:1\nname: first thing\n\n';

function setup(t: { after(fn: () => void): void }): { store: VocabStore; obo: (body: string) => string; dir: string } {
  const dir = tempDir(t);
  const store = VocabStore.open(storePath(join(dir, 'data')));
  t.after(() => store.close());
  let n = 0;
  const obo = (body: string): string => {
    const file = join(dir, `x${++n}.obo`);
    writeFileSync(file, HEADER + body);
    return file;
  };
  return { store, obo, dir };
}

test('a stanza header without its "]" is a located error, not a dropped concept', async (t) => {
  const { store, obo } = setup(t);
  const file = obo(`${GOOD}[Term\nid: X:2\nname: second thing\n`);
  await assert.rejects(importVocabulary(store, [file], { format: 'obo' }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.problems[0]!.reason, 'malformed-stanza');
    assert.match(err.message, /x1\.obo:8: malformed stanza header "\[Term": expected \[Term\], \[Typedef\] or \[Instance\]/);
    return true;
  });
  assert.equal(store.hasVocabulary('x'), false);
  // Under --skip-invalid the stanza is skipped and counted.
  const r = await importVocabulary(store, [file], { format: 'obo', skipInvalid: true });
  assert.equal(r.report.concepts, 1);
  assert.equal(r.report.skipped['malformed-stanza'], 1);
});

test('other silent drops of the OBO reader are located problems', async (t) => {
  const { store, obo } = setup(t);
  const file = obo(
    [
      '[Terms]',
      'id: X:9',
      '',
      '[Term]',
      'id: X:2',
      'name: second',
      'name: second again',
      'def: An unquoted definition',
      'synonym: "other name" EXCAT []',
      'is_obsolete: yes',
      '',
      '[Term] ! a comment is fine',
      'id: X:3',
      'name: third',
      'synonym: "fine" RELATED []',
      '',
      '[Typedef]',
      'id: part_of',
      '',
    ].join('\n'),
  );
  await assert.rejects(importVocabulary(store, [file], { format: 'obo' }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.deepEqual(
      err.problems.map((p) => [p.line, p.field, p.reason]),
      [
        [4, undefined, 'malformed-stanza'],
        [10, 'name', 'duplicate-tag'],
        [11, 'def', 'malformed-row'],
        [12, 'synonym', 'malformed-row'],
        [13, 'is_obsolete', 'malformed-row'],
      ],
    );
    assert.match(err.message, /x1\.obo:4: unknown stanza type "\[Terms\]"/);
    assert.match(err.message, /x1\.obo:10 \(field "name"\): a second "name" in the stanza of line 7/);
    assert.match(err.message, /x1\.obo:11 \(field "def"\): definition text must be quoted/);
    assert.match(err.message, /x1\.obo:12 \(field "synonym"\): unknown synonym scope "EXCAT"/);
    assert.match(err.message, /x1\.obo:13 \(field "is_obsolete"\): is_obsolete must be true or false, not "yes"/);
    return true;
  });
});

test('CLI: vocab import of an OBO file with "[Term" exits 3 with the line', (t) => {
  const { obo, dir } = setup(t);
  const file = obo(`${GOOD}[Term\nid: X:2\nname: second thing\n`);
  const r = runCli(['vocab', 'import', file, '--format', 'obo'], join(dir, 'cli-data'));
  assert.equal(r.status, 3, r.stderr);
  assert.ok(r.stderr.includes(`${file}:8: malformed stanza header "[Term"`), r.stderr);
});
