import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './helpers/cli.js';
import { writeMeshXml } from './helpers/fixtures.js';
import { tempDir } from './helpers/tmp.js';

test('help and version exit 0; usage errors exit 2', (t) => {
  const dir = tempDir(t);
  const help = runCli(['--help'], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: normkit/);
  for (const args of [['vocab', 'import', '--help'], ['vocab', 'stats', '--help'], ['help', 'vocab']]) {
    const r = runCli(args, dir);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage: normkit vocab/);
  }
  assert.equal(runCli(['--version'], dir).stdout.trim(), '0.1.0');
  assert.equal(runCli(['vocab', 'nonsense'], dir).status, 2);
  assert.equal(runCli(['vocab'], dir).status, 2, 'missing subcommand');
  const badOpt = runCli(['vocab', 'import', 'x.jsonl', '--max-line-bytes', '-3'], dir);
  assert.equal(badOpt.status, 2);
  assert.match(badOpt.stderr, /--max-line-bytes.*must be a positive integer/);
  assert.equal(runCli(['vocab', 'import', 'x.jsonl', '--lang', 'English'], dir).status, 2);
  // Every --lang takes the pattern the HTTP API takes (LANG_RE).
  const badLang = runCli(['link', '--lang', 'zz-@@', 'heart attack'], dir);
  assert.equal(badLang.status, 2);
  assert.match(badLang.stderr, /--lang.*expected one language code/);
});

test('import, list, stats, show and remove, with --json and exit codes', (t) => {
  const dir = tempDir(t);
  const mesh = writeMeshXml(join(dir, 'desc2024.xml'));
  const imp = runCli(['vocab', 'import', mesh, '--json'], dir);
  assert.equal(imp.status, 0, imp.stderr);
  const report = JSON.parse(imp.stdout) as { vocabulary: { name: string; concepts: number }; report: { files: Array<{ rows: number }> } };
  assert.equal(report.vocabulary.name, 'mesh');
  assert.equal(report.vocabulary.concepts, 5);
  assert.equal(report.report.files[0]!.rows, 5);

  const list = runCli(['vocab', 'list', '--json'], dir);
  assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string }>).map((v) => v.name), ['mesh']);
  assert.match(runCli(['vocab', 'list'], dir).stdout, /mesh\s+2024\s+mesh\s+5\s+/);

  const stats = JSON.parse(runCli(['vocab', 'stats', 'mesh', '--json'], dir).stdout) as { concepts: number; terms: number; edges: number; types: Record<string, number> };
  assert.deepEqual([stats.concepts, stats.terms, stats.edges, stats.types], [5, 7, 5, { C: 5 }]);
  const human = runCli(['vocab', 'stats', 'mesh'], dir).stdout;
  assert.match(human, /concepts\s+5/);
  assert.match(human, /terms by source field/);

  const show = runCli(['vocab', 'show', 'mesh', 'D009203'], dir);
  assert.equal(show.status, 0);
  assert.match(show.stdout, /D009203 {2}Myocardial Infarction/);
  assert.match(show.stdout, /parents: D009204 \(Myocardial Ischemia\)/);
  assert.match(show.stdout, /Heart Attack\s+en\s+alt/);
  const shown = JSON.parse(runCli(['vocab', 'show', 'mesh', 'D009203', '--json'], dir).stdout) as { id: string; terms: unknown[] };
  assert.equal(shown.id, 'D009203');

  const missing = runCli(['vocab', 'show', 'mesh', 'D999999'], dir);
  assert.equal(missing.status, 4);
  assert.match(missing.stderr, /vocabulary "mesh" has no concept "D999999"/);
  assert.equal(runCli(['vocab', 'stats', 'nope'], dir).status, 4);

  assert.equal(runCli(['vocab', 'remove', 'mesh'], dir).status, 0);
  assert.equal(runCli(['vocab', 'remove', 'mesh'], dir).status, 4);
  assert.deepEqual(JSON.parse(runCli(['vocab', 'list', '--json'], dir).stdout), []);
});

test('bad input exits 3 with file and line; --skip-invalid reports counts', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'v.jsonl');
  writeFileSync(file, '{"id":"a","name":"A"}\n{"id":"b"}\n{"id":"a","name":"again"}\n');
  const r = runCli(['vocab', 'import', file], dir);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /v\.jsonl:2 \(field "name"\)/);
  assert.match(r.stderr, /v\.jsonl:3 \(field "id"\): duplicate concept id "a"/);
  const skip = runCli(['vocab', 'import', file, '--skip-invalid'], dir);
  assert.equal(skip.status, 0, skip.stderr);
  assert.match(skip.stdout, /1 concepts/);
  assert.match(skip.stdout, /skipped \(--skip-invalid\): 1 invalid-field, 1 duplicate-id/);
});

test('the demo imports the demo vocabularies and links the demo inputs', (t) => {
  const dir = tempDir(t);
  const r = runCli(['demo', '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{ input: string; conceptId: string | null; score: number }>;
  assert.ok(rows.length >= 10);
  const byInput = new Map(rows.map((x) => [x.input, x]));
  assert.equal(byInput.get('heart attack')?.conceptId, 'I21.9');
  assert.equal(byInput.get('infarto de miocardio')?.conceptId, 'I21.9');
  assert.equal(byInput.get('Softwareentwicklerin')?.conceptId, 'software-developer');
  const table = runCli(['demo'], dir);
  assert.equal(table.status, 0);
  assert.match(table.stdout, /using demo-occupations, demo-conditions/, 'a second run reuses the imported vocabularies');
  assert.match(table.stdout, /input\s+vocabulary\s+concept/);
});
