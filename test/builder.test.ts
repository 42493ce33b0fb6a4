import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { VocabularyBuilder } from '../src/vocab/builder.js';

const at = (line: number) => ({ file: 'v.jsonl', line });

test('builder merges exact duplicate terms and keeps the strongest kind', () => {
  const b = new VocabularyBuilder({ format: 'test' });
  b.addConcept({ id: 'a', name: 'Alpha', terms: [{ text: 'alfa' }, { text: 'alfa' }, { text: 'Alpha', kind: 'alt' }, { text: 'A-1', kind: 'code' }] }, at(1));
  b.addTerm('a', { text: 'alfa', kind: 'hidden' }, at(2));
  const v = b.finish();
  const terms = v.concepts[0]!.terms;
  assert.deepEqual(
    terms.map((t) => [t.text, t.kind, t.norm]),
    [
      ['Alpha', 'preferred', 'alpha'],
      ['alfa', 'alt', 'alfa'],
      ['A-1', 'code', 'a1'],
    ],
  );
  assert.equal(v.report.duplicatesMerged, 3);
  assert.equal(v.report.terms, 2);
  assert.equal(v.report.codes, 1);
});

test('strict mode fails with every problem located: duplicate id, empty name, unknown parent', () => {
  const b = new VocabularyBuilder({ format: 'test' });
  b.addConcept({ id: 'a', name: 'A' }, at(1));
  b.addConcept({ id: 'a', name: 'A again' }, at(2));
  b.addConcept({ id: 'b', name: '   ' }, at(3));
  b.addConcept({ id: 'c', name: 'C', parents: ['zzz'] }, at(4));
  assert.throws(
    () => b.finish(),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.total, 3);
      assert.deepEqual(
        err.problems.map((p) => [p.line, p.reason]),
        [
          [2, 'duplicate-id'],
          [3, 'empty-name'],
          [4, 'unknown-parent'],
        ],
      );
      assert.match(err.message, /v\.jsonl:2 \(field "id"\): duplicate concept id "a" \(first defined at v\.jsonl:1\)/);
      assert.match(err.message, /v\.jsonl:4 \(field "parents"\): concept "c" names unknown parent "zzz"/);
      assert.match(err.message, /--skip-invalid/);
      return true;
    },
  );
});

test('parent cycles are reported with their path; skip mode drops the closing link', () => {
  const make = (skipInvalid: boolean) => {
    const b = new VocabularyBuilder({ format: 'test', skipInvalid });
    b.addConcept({ id: 'a', name: 'A', parents: ['c'] }, at(1));
    b.addConcept({ id: 'b', name: 'B', parents: ['a'] }, at(2));
    b.addConcept({ id: 'c', name: 'C', parents: ['b'] }, at(3));
    b.addConcept({ id: 'd', name: 'D', parents: ['d'] }, at(4));
    return b;
  };
  assert.throws(() => make(false).finish(), (err: unknown) => {
    assert.ok(err instanceof InputError);
    const messages = err.problems.map((p) => `${p.line}: ${p.message}`).sort();
    assert.deepEqual(messages, ['2: parent cycle: a → c → b → a', '4: concept "d" is its own parent']);
    return true;
  });
  const v = make(true).finish();
  const edges = v.concepts.reduce((n, c) => n + c.parents.length, 0);
  assert.equal(edges, 2, 'one link of the 3-cycle and the self-link are dropped');
  assert.deepEqual(v.report.skipped, { 'parent-cycle': 2 });
});

test('derived links that close a cycle are dropped with a note, not an error', () => {
  const b = new VocabularyBuilder({ format: 'test' });
  b.addConcept({ id: 'x', name: 'X' }, at(1));
  b.addConcept({ id: 'y', name: 'Y' }, at(2));
  b.addParent('x', 'y', at(1), { derived: true });
  b.addParent('y', 'x', at(2), { derived: true });
  const v = b.finish();
  assert.equal(v.report.edges, 1);
  assert.match(v.report.notes.join('\n'), /1 derived parent link\(s\) dropped/);
});

test('terms, links and xrefs for unknown concepts are problems', () => {
  const b = new VocabularyBuilder({ format: 'test', skipInvalid: true });
  b.addConcept({ id: 'a', name: 'A' }, at(1));
  assert.equal(b.addTerm('nope', { text: 'x' }, at(2)), false);
  assert.equal(b.addXref('nope', 'MESH:D1', at(3)), false);
  assert.equal(b.addXref('a', 'MESH:D1', at(4)), true);
  const v = b.finish();
  assert.deepEqual(v.report.skipped, { 'unknown-concept': 2 });
  assert.deepEqual(v.concepts[0]!.xrefs, ['MESH:D1']);
});

test('strict mode stops early after maxProblems', () => {
  const b = new VocabularyBuilder({ format: 'test', maxProblems: 3 });
  b.addConcept({ id: 'a', name: 'A' }, at(1));
  b.addConcept({ id: 'a', name: 'A' }, at(2));
  b.addConcept({ id: 'a', name: 'A' }, at(3));
  assert.throws(() => b.addConcept({ id: 'a', name: 'A' }, at(4)), /3 problems in input[\s\S]*stopped reading/);
});

test('control characters and line breaks are cleaned from names and terms', () => {
  const b = new VocabularyBuilder({ format: 'test' });
  b.addConcept({ id: 'a', name: 'Heart\u0007 attack\n(acute)', terms: [{ text: '\tMI\u0000' }] }, at(1));
  const c = b.finish().concepts[0]!;
  assert.equal(c.name, 'Heart attack (acute)');
  assert.equal(c.terms[1]!.text, 'MI');
  // NUL separates words, as it does in a query: "heart\0attack" is "heart attack".
  const n = new VocabularyBuilder({ format: 'test' });
  n.addConcept({ id: 'n', name: 'heart\u0000attack' }, at(1));
  assert.equal(n.finish().concepts[0]!.name, 'heart attack');
});

test('bidi override and isolate characters in a concept id or name are refused, located', () => {
  const b = new VocabularyBuilder({ format: 'test' });
  assert.equal(b.addConcept({ id: 'evil\u202Etxt.exe', name: 'Evil' }, at(1)), false);
  assert.equal(b.addConcept({ id: 'b', name: 'Heart \u2066attack\u2069' }, at(2)), false);
  assert.equal(b.addConcept({ id: 'c', name: 'Plain' }, at(3)), true);
  assert.throws(
    () => b.finish(),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.deepEqual(
        err.problems.map((p) => [p.line, p.field, p.reason]),
        [
          [1, 'id', 'bidi-control'],
          [2, 'name', 'bidi-control'],
        ],
      );
      assert.match(err.message, /v\.jsonl:1 \(field "id"\): concept id "eviltxt\.exe" contains the bidirectional control character U\+202E at character 5/);
      assert.match(err.message, /v\.jsonl:2 \(field "name"\): the name of concept "b" contains the bidirectional control character U\+2066/);
      return true;
    },
  );
  const lenient = new VocabularyBuilder({ format: 'test', skipInvalid: true });
  lenient.addConcept({ id: 'x\u202Ay', name: 'X' }, at(1));
  lenient.addConcept({ id: 'ok', name: 'OK' }, at(2));
  const v = lenient.finish();
  assert.deepEqual(v.concepts.map((c) => c.id), ['ok']);
  assert.deepEqual(v.report.skipped, { 'bidi-control': 1 });
});
