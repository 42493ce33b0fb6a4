import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { normalize } from '../src/normalize/engine.js';
import { compilePackText, loadPack } from '../src/normalize/pack.js';
import { tempDir } from './helpers/tmp.js';

const PACK = `
name: t
classes:
  SEN: [senior, sr., sr]
stages:
  - name: first
    rules:
      - id: bracket
        regex: '\\(([^()]*)\\)'
        children:
          - { id: bracket.remote, literal: [remote], drop: true, tag: { mode: remote } }
          - { id: bracket.city, regex: '(?<city>Berlin|Paris)', drop: true, tag: { city: '$<city>' } }
      - { id: short, literal: [dev], replace: developer }
      - { id: longer, literal: [dev ops], replace: devops }
      - { id: code, regex: '\\b[A-Z]\\d\\d\\.\\d\\b', caseSensitive: true, code: { system: icd }, tag: { coded: 'yes' } }
  - name: second
    rules:
      - { id: seniority, tokens: ['@SEN'], drop: true, tag: { seniority: '$0' } }
      - { id: swap, regex: '(\\w+) of (\\w+)', replace: '$2 $1' }
      - { id: ucfirst, literal: [x], replace: 'X$$' }
`;

test('stages run in order; children are gated by their parent; templates, tags and codes', () => {
  const p = compilePackText(PACK, 'inline.yaml');
  const r = normalize('Sr. dev (remote) (Berlin) (other) E11.9', p);
  assert.equal(r.text, 'developer (other) E11.9');
  assert.deepEqual(r.attributes, { mode: ['remote'], city: ['Berlin'], coded: ['yes'], seniority: ['Sr.'] });
  assert.deepEqual(r.codes, [{ system: 'icd', code: 'E11.9', rule: 'code' }]);
  assert.equal(normalize('remote Berlin', p).text, 'remote Berlin', 'children only act inside a parent match');
  assert.equal(normalize('head of sales', p).text, 'sales head');
  assert.equal(normalize('x', p).text, 'X$');
});

test('the longest literal wins at a position; otherwise file order', () => {
  const p = compilePackText(PACK, 'inline.yaml');
  assert.equal(normalize('dev ops team', p).text, 'devops team');
  assert.equal(normalize('dev  ops', p).text, 'devops', 'a space in a literal matches any run of spaces');
  assert.equal(normalize('devops', p).text, 'devops', 'literals match whole words only');
  assert.equal(normalize('webdev', p).text, 'webdev');
});

test('the trace gives rule ids and spans before and after, per stage', () => {
  const p = compilePackText(PACK, 'inline.yaml');
  const r = normalize('sr dev', p);
  assert.deepEqual(
    r.trace.map((t) => [t.stage, t.rule, t.before, t.after]),
    [
      ['first', 'short', { start: 3, end: 6, text: 'dev' }, { start: 3, end: 12, text: 'developer' }],
      ['second', 'seniority', { start: 0, end: 2, text: 'sr' }, { start: 0, end: 1, text: ' ' }],
    ],
  );
  const quiet = normalize('sr dev', p, { trace: false });
  assert.deepEqual(quiet.trace, []);
  assert.equal(quiet.text, r.text);
});

test('case sensitivity, Unicode word boundaries and regex metacharacters', () => {
  const p = compilePackText(
    `
name: t
stages:
  - name: s
    rules:
      - { id: it, literal: [IT], caseSensitive: true, replace: information technology }
      - { id: cpp, literal: ['c++', '(m/w/d)', 'a.b*c'], replace: MATCHED }
      - { id: cafe, regex: '\\bcafé\\b', replace: coffee }
`,
    'meta.yaml',
  );
  assert.equal(normalize('IT support', p).text, 'information technology support');
  assert.equal(normalize('it support', p).text, 'it support');
  assert.equal(normalize('c++ (m/w/d) a.b*c aXb*c', p).text, 'MATCHED MATCHED MATCHED aXb*c');
  assert.equal(normalize('le café noir, cafés', p).text, 'le coffee noir, cafés');
  assert.equal(normalize('[.*+?^${x}(y)|\\]', p).text, '[.*+?^${x}(y)|\\]');
  assert.equal(normalize('Nurse () {} [ ]', p).text, 'Nurse', 'empty brackets left by rules are tidied away');
});

test('"requires" prefilters skip a rule without changing what it matches', () => {
  const make = (requires: string) =>
    compilePackText(`name: t\nstages:\n  - name: s\n    rules:\n      - { id: num, regex: '\\d+', ${requires} replace: N }\n`, 'r.yaml');
  assert.equal(normalize('a 12 b 3', make("requires: '\\d',")).text, 'a N b N');
  assert.equal(normalize('a 12 b 3', make('')).text, 'a N b N');
  assert.equal(normalize('a 12 b 3', make("requires: 'zzz',")).text, 'a 12 b 3');
});

test('repeat stages run to a fixed point', () => {
  const p = compilePackText(
    `
name: t
stages:
  - name: cues
    repeat: true
    rules:
      - { id: no, regex: '^\\s*no\\s+', drop: true, tag: { negated: 'yes' } }
      - { id: hx, regex: '^\\s*history of\\s+', drop: true, tag: { history: 'yes' } }
`,
    'rep.yaml',
  );
  const r = normalize('no history of no stroke', p);
  assert.equal(r.text, 'stroke');
  assert.deepEqual(r.attributes, { negated: ['yes'], history: ['yes'] });
});

test('packs extend packs: rules come first, same ids replace, disable removes', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'mine.yaml');
  writeFileSync(
    file,
    `
name: mine
extends: jobs
disable: [abbr.developer]
stages:
  - name: expand
    rules:
      - { id: abbr.manager, literal: [mgr], replace: boss }
      - { id: mine.ninja, literal: [ninja], replace: developer }
  - name: extra
    rules:
      - { id: mine.shout, regex: '!+', replace: '' }
`,
  );
  const p = loadPack(file);
  assert.equal(p.name, 'mine');
  assert.equal(normalize('Sr. Mgr', p).text, 'boss');
  assert.equal(normalize('JS ninja', p).text, 'JS developer');
  assert.equal(normalize('Java Dev', p).text, 'Java Dev', 'the disabled rule is gone');
  assert.equal(normalize('Nurse (m/w/d)', p).text, 'Nurse', 'the base stages still run');
  assert.equal(p.stages[p.stages.length - 1]!.name, 'extra');
  assert.notEqual(p.fingerprint, loadPack('jobs').fingerprint);
});

test('apply: both stages are the only ones run on vocabulary terms', () => {
  const p = loadPack('medical');
  assert.deepEqual(p.stages.filter((s) => s.appliesToTerms).map((s) => s.name), ['spelling']);
  assert.equal(normalize('No haemorrhages', p, { target: 'term' }).text, 'No hemorrhages');
  assert.equal(normalize('No haemorrhages', p).text, 'hemorrhage');
});

test('built-in packs compile, with their rule counts and stages', () => {
  for (const [name, stages] of [
    ['jobs', ['codes', 'identifiers', 'noise', 'seniority', 'expand', 'canonical']],
    ['medical', ['codes', 'context', 'laterality', 'expand', 'spelling', 'number']],
    ['codes', ['codes']],
  ] as const) {
    const p = loadPack(name);
    assert.deepEqual(p.stages.map((s) => s.name), stages);
    assert.ok(p.ruleCount > 5);
    assert.match(p.fingerprint, /^[0-9a-f]{16}$/);
  }
  assert.throws(() => loadPack('nope'), (err: unknown) => err instanceof InputError && /no rule pack here \(built-in packs: jobs, medical, codes\)/.test(err.message));
});
