import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { compilePackText, loadPack } from '../src/normalize/pack.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

/** The pack text with `rule` as the second rule of stage "s" (so its line is known: 6). */
const withRule = (rule: string): string => `name: t
stages:
  - name: s
    rules:
      - { id: ok, literal: [fine], replace: good }
      ${rule}
`;

function fails(text: string, pattern: RegExp, file = 'rules.yaml'): InputError {
  let caught: unknown;
  try {
    compilePackText(text, file);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

test('each rule error names the file, the line and the rule id', () => {
  fails(withRule("- { id: bad-regex, regex: 'a(b', drop: true }"), /rules\.yaml:6 \(field "stages\.0\.rules\.1\.regex"\): rule "bad-regex": invalid pattern/);
  fails(withRule("- { id: no-effect, literal: [x] }"), /rules\.yaml:6 .*rule "no-effect": does nothing/);
  fails(withRule("- { id: two-patterns, literal: [x], regex: 'y', drop: true }"), /rules\.yaml:6 .*rule "two-patterns": needs exactly one of "literal", "regex" or "tokens"/);
  fails(withRule("- { id: two-actions, literal: [x], drop: true, replace: y }"), /rule "two-actions": has more than one of "replace", "drop" and "transform"/);
  fails(withRule("- { id: typo, literal: [x], replce: y }"), /rules\.yaml:6 .*rule "typo": unknown field\(s\) "replce"/);
  fails(withRule("- { id: class, tokens: ['@NOPE'], drop: true }"), /rules\.yaml:6 .*rule "class": unknown class "@NOPE"/);
  fails(withRule("- { id: klass, regex: 'a {{NOPE}}', drop: true }"), /rule "klass": unknown class "\{\{NOPE\}\}"/);
  fails(withRule("- { id: backref, regex: '(a)\\1', drop: true }"), /rule "backref": backreferences are not supported/);
  fails(withRule("- { id: bad id!, literal: [x], drop: true }"), /rules\.yaml:6 \(field "stages\.0\.rules\.1\.id"\)/);
  fails(withRule("- { id: ok, literal: [y], drop: true }"), /rule "ok": duplicate rule id \(first at rules\.yaml:5\)/);
  fails(withRule("- { id: tr, literal: [x], transform: shout }"), /rules\.yaml:6 .*rule "tr": .*singular/);
  fails(withRule("- { id: empty, literal: ['   '], drop: true }"), /rules\.yaml:6 .*rule "empty"/);
});

test('YAML and JSON syntax errors name the line', () => {
  fails('name: t\nstages:\n  - name: s\n    rules: [\n', /rules\.yaml:\d+: /);
  fails('name: t\nname: u\nstages: []\n', /rules\.yaml:2: Map keys must be unique/);
  const json = fails('{"name": "t", "stages": [{"name": "s", "rules": [\n  {"id": "j", "regex": "(", "drop": true} ]}]}', /rules\.json:2 .*rule "j": invalid pattern/, 'rules.json');
  assert.equal(json.problems[0]!.line, 2);
});

test('rules that could loop forever are refused', () => {
  fails(withRule("- { id: nothing, regex: 'x*', drop: true }"), /rules\.yaml:6 .*rule "nothing": the pattern can match the empty string, which would loop forever/);
  fails(withRule("- { id: lookaround, regex: '(?=a)', drop: true }"), /rule "lookaround": the pattern can match the empty string/);
  fails(withRule("- { id: boundary, regex: '\\b', drop: true }"), /rule "boundary": the pattern can match the empty string/);
  const repeat = (rules: string) => `name: t\nstages:\n  - name: r\n    repeat: true\n    rules:\n${rules}`;
  fails(repeat("      - { id: grow, literal: [a], replace: 'a a' }\n"), /rule "grow": in the repeat stage "r", its output "a a" is matched again by rule "grow": this could loop forever/);
  fails(repeat("      - { id: ping, literal: [a], replace: b }\n      - { id: pong, literal: [b], replace: a }\n"), /rule "ping": .*matched again by rule "pong"/);
  fails(repeat("      - { id: copy, regex: '(x)y', replace: '$1y' }\n"), /rule "copy": a "repeat" stage cannot copy matched text/);
  fails(repeat("      - { id: tf, regex: 'x+', transform: lower }\n"), /rule "tf": a "repeat" stage cannot use "transform"/);
  // A single-pass stage applies each rule once per position, so the same rules are fine there.
  const single = compilePackText("name: t\nstages:\n  - name: r\n    rules:\n      - { id: grow, literal: [a], replace: 'a a' }\n", 'ok.yaml');
  assert.equal(single.ruleCount, 1);
});

test('files: missing, extends cycles, and the CLI exit code', (t) => {
  const dir = tempDir(t);
  assert.throws(() => loadPack(join(dir, 'missing.yaml')), /missing\.yaml: no rule pack here/);
  writeFileSync(join(dir, 'a.yaml'), 'name: a\nextends: b.yaml\nstages: []\n');
  writeFileSync(join(dir, 'b.yaml'), 'name: b\nextends: a.yaml\nstages: []\n');
  assert.throws(() => loadPack(join(dir, 'a.yaml')), /"extends" forms a cycle: a\.yaml → b\.yaml → a\.yaml/);
  writeFileSync(join(dir, 'bad.yaml'), withRule("- { id: bad-regex, regex: 'a(b', drop: true }"));
  const r = runCli(['normalize', 'x', '--pack', join(dir, 'bad.yaml')], dir);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /bad\.yaml:6 .*rule "bad-regex": invalid pattern/);
});

test('patterns that could backtrack catastrophically are refused, located (field "regex"), before they run', () => {
  const e = fails(withRule("- { id: evil, regex: '(a+)+$', drop: true }"), /rules\.yaml:6 \(field "stages\.0\.rules\.1\.regex"\): rule "evil": the repetition "a\+" inside "\(a\+\)\+" can match the same text in more than one way/);
  assert.equal(e.problems[0]!.reason, 'unsafe-regex');
  for (const regex of ['(a|a)*', '(\\w+\\s?)*$', '(.*a){3}', '(a*)*b', '(?:a{1,2})+$', '(a|ab|b)*c', '(?:(?:a?|b?)c)*$', 'x(?=(a+)+$)', '([a-z]+)*!', '(?:\\s*\\S+)*$', '(?:{{C}})+']) {
    fails(`name: t\nclasses: { C: [ab, abab] }\nstages:\n  - name: s\n    rules:\n      - { id: slow, regex: '${regex}', drop: true }\n`, /rule "slow": the repetition .*\(catastrophic backtracking\)/);
  }
  // Case matters: under the (default) case-insensitive flag \p{Lu} and \p{Ll} overlap.
  fails(withRule("- { id: camel, regex: '\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)+$', drop: true }"), /rule "camel": the repetition/);
  compilePackText(withRule("- { id: camel, regex: '\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)+$', caseSensitive: true, drop: true }"));
  // The prefilter is checked too (it runs over the whole text).
  fails(withRule("- { id: pre, regex: 'x', requires: '(x+)+y', drop: true }"), /rules\.yaml:6 \(field "stages\.0\.rules\.1\.requires"\): rule "pre": the repetition/);
  // Nested repetitions that split a text one way only are fine.
  for (const regex of ['[a-z]+(?:_+[a-z]+)+', '(?:\\d{2})+', 'x(?:\\s*,\\s*[a-z]+)*$', '(?:ab|cd)+', '(a|b)*c', '(a|ab)*c', '\\s*\\s*x']) {
    compilePackText(withRule(`- { id: fine, regex: '${regex}', drop: true }`));
  }
  // Every built-in pack passes the check.
  for (const name of ['codes', 'jobs', 'medical']) assert.ok(loadPack(name).ruleCount > 0);
});

test('CLI: normalize --pack with a catastrophic regex exits 3 with the located error at once', (t) => {
  const dir = tempDir(t);
  const pack = join(dir, 'evil.yaml');
  writeFileSync(pack, "name: evil\nstages:\n  - name: s\n    rules:\n      - {id: evil, regex: '(a+)+$', drop: true}\n");
  const started = Date.now();
  const r = runCli(['normalize', '--pack', pack, `${'a'.repeat(40)}!`], dir);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /evil\.yaml:5 \(field "stages\.0\.rules\.0\.regex"\): rule "evil": the repetition/);
  assert.ok(Date.now() - started < 60_000);
});
